// MQTT 3.1.1 topic names, topic filters and matching (section 4.7), and the
// UTF-8 string rules every MQTT string follows (section 1.5.3).

import { u8, u32, bool, Bytes } from "../rt/rt";

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
  // One byte per step: a lead byte sets how many continuation bytes follow
  // and the lowest code point they may encode (below it is an overlong
  // form); the last one checks the code point.
  let need: u32 = 0;
  let cp: u32 = 0;
  let min: u32 = 0;
  const n: u32 = s.length;
  for (let i: u32 = 0; i < n; i++) {
    const c: u8 = s[i];
    if (need > 0) {
      if ((c & 0xc0) !== 0x80) return false;
      cp = u32((cp << 6) | (c & 0x3f));
      need--;
      // Overlong, above U+10FFFF, or a surrogate (U+D800..U+DFFF: cp >>> 11 is 0x1b).
      if (need === 0 && (cp < min || cp > 0x10ffff || (cp >>> 11) === 0x1b)) return false;
    } else if (c < 0x80) {
      if (c === 0) return false;
    } else if (c >= 0xc0) {
      need = 1;
      min = 0x80;
      cp = c & 0x1f;
      if (c >= 0xe0) {
        need = 2;
        min = 0x800;
        cp = c & 0x0f;
      }
      // F8..FF keep 4 payload bits: the code point comes out above U+10FFFF.
      if (c >= 0xf0) {
        need = 3;
        min = 0x10000;
      }
    } else {
      return false; // a continuation byte without a lead
    }
  }
  return need === 0; // else truncated
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
      if (isWildcard(c)) {
        // A wildcard must stand alone between separators (or the ends), and
        // `#` must be the last character of the filter.
        const next: u32 = u32(i + 1); // i < n <= 65535: no wrap
        if (!filter || (i > 0 && t[i - 1] !== SLASH)) return false;
        if (next < n && (c === HASH || t[next] !== SLASH)) return false;
      }
    } else if (c >= 0x7f && noControl) {
      if (c === 0x7f || (c === 0xc2 && i + 1 < n && t[i + 1] <= 0x9f)) return false;
    }
  }
  return all < 0x80 || validUtf8(t);
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
  if (topic[0] === DOLLAR && isWildcard(filter[0])) return false;
  // One walk over the filter, byte by byte. Every filter byte is looked at
  // before a match is declared, so a misplaced wildcard never matches; a
  // literal byte equal to the topic's is not a wildcard, and the topic bytes
  // a wildcard covers are checked for wildcards.
  let ti: u32 = 0;
  for (let fi: u32 = 0; fi < fn; fi++) {
    const c: u8 = filter[fi];
    const next: u32 = u32(fi + 1); // fi < fn: no wrap
    if (isWildcard(c)) {
      // A whole level: after a separator or at the start, before one or at the end.
      if (fi > 0 && filter[fi - 1] !== SLASH) return false;
      if (c === HASH) return next === fn && !hasWildcard(topic, ti, tn);
      if (next < fn && filter[next] !== SLASH) return false;
      // `+`: the topic's level, up to its next separator.
      while (ti < tn && topic[ti] !== SLASH) {
        if (isWildcard(topic[ti])) return false;
        ti++;
      }
    } else if (ti >= tn) {
      // The topic ended first: only a remaining "/#" matches (the parent level).
      return c === SLASH && next < fn && filter[next] === HASH && u32(next + 1) === fn;
    } else {
      if (c !== topic[ti]) return false;
      ti++;
    }
  }
  return ti === tn;
}

/** True when s[start, end) contains `+` or `#`. */
function hasWildcard(s: Bytes, start: u32, end: u32): bool {
  for (let i: u32 = start; i < end; i++) {
    const c: u8 = s[i];
    if (isWildcard(c)) return true;
  }
  return false;
}

/** `+` (0x2B) or `#` (0x23): they differ only in bit 3, so one comparison. */
function isWildcard(c: u8): bool {
  return (c | 0x08) === PLUS;
}
