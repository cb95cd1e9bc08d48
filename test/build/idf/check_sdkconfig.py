"""Does every line of an sdkconfig.defaults take effect?

    check_sdkconfig.py <defaults> <Kconfig> [<Kconfig> ...]

Loads the Kconfig files (ours and test/build/idf/Kconfig.idf-standin) with
kconfiglib, applies the defaults as ESP-IDF does when it creates sdkconfig,
and prints one line per setting that names no known option or whose value
does not hold (an unmet `depends on`, a range, a choice). Exit status 1 then.
"""
import os
import re
import sys
import tempfile

import kconfiglib


def main(argv):
    defaults, kconfigs = argv[1], argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        top = os.path.join(tmp, "Kconfig")
        with open(top, "w") as f:
            f.write('mainmenu "check"\n')
            for k in kconfigs:
                f.write('source "%s"\n' % os.path.abspath(k))
        kconf = kconfiglib.Kconfig(top, warn_to_stderr=False)
        kconf.load_config(defaults, replace=True)

    problems = []
    with open(defaults) as f:
        for n, line in enumerate(f, 1):
            m = re.match(r"^CONFIG_(\w+)=(.*)$", line.strip())
            if not m:
                continue
            name, want = m.group(1), m.group(2)
            if want.startswith('"') and want.endswith('"'):
                want = want[1:-1]
            sym = kconf.syms.get(name)
            where = "%s:%d: CONFIG_%s" % (defaults, n, name)
            if sym is None or not sym.nodes:
                problems.append("%s: no such option" % where)
                continue
            if sym.str_value == want:
                continue
            unmet = []
            if kconfiglib.expr_value(sym.direct_dep) == 0:
                unmet.append("depends on %s" % kconfiglib.expr_str(sym.direct_dep))
            if sym.visibility == 0 and not unmet:
                unmet.append("has no prompt or is not visible")
            problems.append("%s=%s has no effect (the value is %r): %s" % (
                where, m.group(2), sym.str_value, "; ".join(unmet) or "out of range or overridden"))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
