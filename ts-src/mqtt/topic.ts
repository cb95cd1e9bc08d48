// MQTT 3.1.1 topic names, topic filters and matching (section 4.7), and the
// UTF-8 string rules every MQTT string follows (section 1.5.3).

import { u8, u32, bool, Bytes, bytesEqual } from "../rt/rt";

const SLASH: u8 = 0x2f;
const PLUS: u8 = 0x2b;
const HASH: u8 = 0x23;
const DOLLAR: u8 = 0x24;
/** Longest MQTT string: its length is a 16-bit prefix (1.5.3). */
export const MAX_STRING_LEN: u32 = 65535;

/** True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no
 *  surrogates U+D800..U+DFFF, nothing above U+10FFFF) without U+0000, as
 *  MQTT 3.1.1 1.5.3-1 and 1.5.3-2 require. Control characters and
 *  non-characters are only SHOULD NOTs there, so they are accepted. */
export function validUtf8(s: Bytes): bool {
  const n: u32 = s.length;
  let i: u32 = 0;
  while (i < n) {
    const c: u8 = s[i];
    if (c < 0x80) {
      if (c === 0) return false;
      i++;
      continue;
    }
    // Number of continuation bytes and the allowed range of the first one,
    // which is what rules out overlong forms, surrogates and > U+10FFFF.
    let more: u8 = 0;
    let lo: u8 = 0x80;
    let hi: u8 = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      more = 1;
    } else if (c === 0xe0) {
      more = 2;
      lo = 0xa0;
    } else if (c === 0xed) {
      more = 2;
      hi = 0x9f;
    } else if (c >= 0xe1 && c <= 0xef) {
      more = 2;
    } else if (c === 0xf0) {
      more = 3;
      lo = 0x90;
    } else if (c >= 0xf1 && c <= 0xf3) {
      more = 3;
    } else if (c === 0xf4) {
      more = 3;
      hi = 0x8f;
    } else {
      return false; // 0x80..0xc1 (continuation or overlong lead), 0xf5..0xff
    }
    // i < n, so n - i - 1 cannot wrap (u32 keeps the comparison 32-bit in C).
    if (more > u32(n - i - 1)) return false; // truncated sequence
    const c1: u8 = s[i + 1];
    if (c1 < lo || c1 > hi) return false;
    for (let k: u32 = 2; k <= more; k++) {
      const ck: u8 = s[i + k];
      if (ck < 0x80 || ck > 0xbf) return false;
    }
    i += more + 1;
  }
  return true;
}

/** A topic name a PUBLISH may carry: 1..65535 bytes of valid UTF-8 without
 *  the wildcards `+` and `#` (4.7.1, 4.7.3). `$`-topics are valid names. */
export function validTopicName(t: Bytes): bool {
  return topicCheck(t, false, false);
}

/** A topic filter a SUBSCRIBE may carry (4.7.1): 1..65535 bytes of valid
 *  UTF-8, where `+` fills a whole level and `#` is a whole level and the last. */
export function validTopicFilter(f: Bytes): bool {
  return topicCheck(f, true, false);
}

/** What the client sends: a valid topic name (`filter` false) or filter
 *  without a control character: U+0001..U+001F, U+007F, or U+0080..U+009F
 *  (bytes C2 80..C2 9F). MQTT 3.1.1 1.5.3 says they SHOULD NOT be sent and a
 *  receiver MAY close the connection; mosquitto 2 does, so a queued message
 *  with one would be resent and refused on every reconnect. The client
 *  refuses them in what it sends, not in what it gets. */
export function sendableTopic(t: Bytes, filter: bool): bool {
  return topicCheck(t, filter, true);
}

/** True when `s` (valid UTF-8) holds a control character: U+0001..U+001F,
 *  U+007F, or U+0080..U+009F (bytes C2 80..C2 9F). MQTT 3.1.1 1.5.3 says they
 *  SHOULD NOT be sent (sendableTopic() refuses them; the config loader names
 *  them with this). */
export function hasControlChar(s: Bytes): bool {
  const n: u32 = s.length;
  for (let i: u32 = 0; i < n; i++) {
    const c: u8 = s[i];
    if (c < 0x20 || c === 0x7f) return true;
    if (c === 0xc2 && i + 1 < n && s[i + 1] <= 0x9f) return true;
  }
  return false;
}

/** The one pass behind the three above. Most topics are ASCII, and then the
 *  UTF-8 check has nothing to add: the bytes are OR-ed together (bit 7 set:
 *  not ASCII). Only bytes up to `+` (0x2b) can be a wildcard, NUL or an ASCII
 *  control character, so most bytes take two comparisons. */
function topicCheck(t: Bytes, filter: bool, noControl: bool): bool {
  const n: u32 = t.length;
  if (n === 0 || n > MAX_STRING_LEN) return false;
  let all: u8 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c: u8 = t[i];
    all = all | c;
    if (c <= PLUS) {
      if (c === 0 || (noControl && c < 0x20)) return false;
      if (c === PLUS || c === HASH) {
        if (!filter) return false;
        // A wildcard must stand alone between separators (or the ends), and
        // `#` must be the last character of the filter.
        // i < n <= 65535: i - 1 (when i > 0) and i + 1 cannot wrap.
        const next: u32 = u32(i + 1);
        if (i > 0 && t[u32(i - 1)] !== SLASH) return false;
        if (next < n && t[next] !== SLASH) return false;
        if (c === HASH && next !== n) return false;
      }
    } else if (noControl && c >= 0x7f) {
      if (c === 0x7f || (c === 0xc2 && i + 1 < n && t[i + 1] <= 0x9f)) return false;
    }
  }
  return all < 0x80 || validUtf8(t);
}

/** End (exclusive) of the level that starts at `start` in `s`. */
function levelEnd(s: Bytes, start: u32): u32 {
  let i: u32 = start;
  while (i < s.length && s[i] !== SLASH) i++;
  return i;
}

/** True when `level` (= s[start, end)) is exactly the one byte `c`. */
function levelIs(s: Bytes, start: u32, end: u32, c: u8): bool {
  return u32(end - start) === 1 && s[start] === c; // end >= start: no wrap
}

/** Does the topic name `topic` match the topic filter `filter` (4.7)?
 *  `+` matches exactly one level, which may be empty ("+/+" matches "/x");
 *  `#` matches any number of levels including the parent ("a/#" matches
 *  "a"); a filter starting with a wildcard does not match a topic starting
 *  with `$` (4.7.2). Literal levels compare byte for byte. Inputs that are not
 *  a valid filter / topic name never match: a wildcard character anywhere
 *  else than a whole filter level, an empty filter or topic. */
export function topicMatches(filter: Bytes, topic: Bytes): bool {
  const fn: u32 = filter.length;
  const tn: u32 = topic.length;
  if (fn === 0 || tn === 0) return false;
  // Fast paths (the same answers as the walk below): an identical filter
  // matches unless it holds a wildcard, and a filter without wildcards
  // matches nothing else.
  if (fn === tn && bytesEqual(filter, topic)) return !hasWildcard(topic, 0, tn);
  if (!hasWildcard(filter, 0, fn)) return false;
  if (topic[0] === DOLLAR && (filter[0] === PLUS || filter[0] === HASH)) return false;
  let fi: u32 = 0;
  let ti: u32 = 0;
  // Invariant: fi and ti are at the start of a level in each.
  while (true) {
    const fe: u32 = levelEnd(filter, fi);
    const te: u32 = levelEnd(topic, ti);
    if (levelIs(filter, fi, fe, HASH)) {
      // `#` matches this level and all below, but only as the last level.
      return fe === fn && !hasWildcard(topic, ti, tn);
    }
    if (levelIs(filter, fi, fe, PLUS)) {
      if (hasWildcard(topic, ti, te)) return false;
    } else {
      // Level lengths (ends are never before starts).
      const fl: u32 = u32(fe - fi);
      if (fl !== u32(te - ti)) return false;
      for (let k: u32 = 0; k < fl; k++) {
        const c: u8 = filter[fi + k];
        if (c === PLUS || c === HASH || c !== topic[ti + k]) return false;
      }
    }
    if (fe === fn || te === tn) {
      if (fe === fn && te === tn) return true;
      // The topic ended first: only a remaining "/#" matches (the parent level).
      return te === tn && u32(fn - fe) === 2 && filter[fe + 1] === HASH;
    }
    fi = u32(fe + 1);
    ti = u32(te + 1);
  }
}

/** True when s[start, end) contains `+` or `#`. */
function hasWildcard(s: Bytes, start: u32, end: u32): bool {
  for (let i: u32 = start; i < end; i++) {
    const c: u8 = s[i];
    if (c === PLUS || c === HASH) return true;
  }
  return false;
}
