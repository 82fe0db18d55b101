package passwordsafetest

import (
	"bytes"
	"encoding/base64"
	"html"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Finding a known secret in any form it may be written in.
//
// A secret echoed by a server, a terminal or a proxy rarely comes back as
// it went out: JSON escapes it (Go with or without HTML escapes, .NET as
// \u0022 and \u002B, PHP as \/), a URL escapes it in either case of hex,
// HTML as entities, a terminal wraps it in colour codes and ends its lines
// with CRLF, an old page is Latin-1. Listing every form of every secret
// cannot end; decoding can. canonicalize undoes every such escape in one
// pass, keeping for each decoded byte the bytes it came from, so that a
// secret found in the decoded text is replaced where it stands in the
// original, whatever mix of escapes it wears. Base64 is the one encoding
// that is not character by character: find decodes every base64 run and
// looks inside it.

// canonText is text with its escapes decoded. b[i] came from
// src[from[i]:to[i]], or from src[i] when same (a text with nothing to
// decode, the most common, is its own canonical form).
type canonText struct {
	b        []byte
	from, to []int
	same     bool
}

// span is where in the original text b[i:j] came from.
func (c *canonText) span(i, j int) (int, int) {
	if c.same {
		return i, j
	}
	return c.from[i], c.to[j-1]
}

// plainText reports whether src has nothing canonicalize would change.
func plainText(src []byte, plusSpace bool) bool {
	for _, ch := range src {
		switch {
		case ch == '%' || ch == '\\' || ch == '&' || ch == 0x1b || ch == '\r' || ch >= utf8.RuneSelf:
			return false
		case ch == '+' && plusSpace:
			return false
		}
	}
	return true
}

func (c *canonText) emit(p []byte, from, to int) {
	for _, x := range p {
		c.b = append(c.b, x)
		c.from = append(c.from, from)
		c.to = append(c.to, to)
	}
}

// canonicalize decodes src: %XX (either case), \uXXXX (surrogate pairs
// too), \xXX, \/ and the other JSON escapes, HTML entities, and '+' as a
// space when plusSpace; bytes that are not UTF-8 are read as Latin-1;
// then terminal escape sequences are dropped and CRLF becomes LF.
func canonicalize(src []byte, plusSpace bool) *canonText {
	if plainText(src, plusSpace) {
		return &canonText{b: src, same: true}
	}
	c := &canonText{b: make([]byte, 0, len(src)), from: make([]int, 0, len(src)), to: make([]int, 0, len(src))}
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(src); {
		ch := src[i]
		if n := decodeEscape(c, src, i); n > 0 {
			i += n
			continue
		}
		switch {
		case ch == '+' && plusSpace:
			c.emit([]byte{' '}, i, i+1)
			i++
		case ch < utf8.RuneSelf:
			c.emit(src[i:i+1], i, i+1)
			i++
		default:
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size <= 1 { // not UTF-8: Latin-1
				n := utf8.EncodeRune(buf[:], rune(ch))
				c.emit(buf[:n], i, i+1)
				i++
				continue
			}
			c.emit(src[i:i+size], i, i+size)
			i += size
		}
	}
	return c.clean()
}

// decodeEscape decodes the escape at src[i], if there is one, into c and
// returns how many bytes of src it took (0: none).
func decodeEscape(c *canonText, src []byte, i int) int {
	switch src[i] {
	case '%':
		return decodeHexRun(c, src, i, "%", 3)
	case '\\':
		if i+1 >= len(src) {
			return 0
		}
		switch n := src[i+1]; n {
		case 'u', 'U':
			return decodeUnicodeEscape(c, src, i)
		case 'x', 'X':
			return decodeHexRun(c, src, i, `\x`, 4)
		case '/', '\\', '"', '\'':
			c.emit([]byte{n}, i, i+2)
			return 2
		case 'n', 'r', 't', 'b', 'f':
			c.emit([]byte{"\n\r\t\b\f"[strings.IndexByte("nrtbf", n)]}, i, i+2)
			return 2
		}
	case '&':
		end := bytes.IndexByte(src[i:min(len(src), i+34)], ';')
		if end < 2 {
			return 0
		}
		entity := string(src[i : i+end+1])
		if u := html.UnescapeString(entity); u != entity {
			c.emit([]byte(u), i, i+end+1)
			return end + 1
		}
	}
	return 0
}

// hexByte reads the two hex digits at src[i:i+2].
func hexByte(src []byte, i int) (byte, bool) {
	if i+2 > len(src) {
		return 0, false
	}
	var v byte
	for _, h := range src[i : i+2] {
		switch {
		case h >= '0' && h <= '9':
			v = v<<4 | (h - '0')
		case h >= 'a' && h <= 'f':
			v = v<<4 | (h - 'a' + 10)
		case h >= 'A' && h <= 'F':
			v = v<<4 | (h - 'A' + 10)
		default:
			return 0, false
		}
	}
	return v, true
}

// decodeHexRun decodes one byte escaped as prefix+XX (a width-byte
// escape), or, when it starts a UTF-8 sequence written as several such
// escapes, the whole character; a byte that starts none is Latin-1.
func decodeHexRun(c *canonText, src []byte, i int, prefix string, width int) int {
	first, ok := hexByte(src, i+len(prefix))
	if !ok || !bytes.EqualFold(src[i:i+len(prefix)], []byte(prefix)) {
		return 0
	}
	if first < utf8.RuneSelf {
		c.emit([]byte{first}, i, i+width)
		return width
	}
	seq := []byte{first}
	for j := i + width; len(seq) < utf8.UTFMax && !utf8.FullRune(seq); j += width {
		if j+width > len(src) || !bytes.EqualFold(src[j:j+len(prefix)], []byte(prefix)) {
			break
		}
		b, ok := hexByte(src, j+len(prefix))
		if !ok {
			break
		}
		seq = append(seq, b)
	}
	if r, size := utf8.DecodeRune(seq); r != utf8.RuneError || size > 1 {
		c.emit(seq[:size], i, i+size*width)
		return size * width
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], rune(first))
	c.emit(buf[:n], i, i+width)
	return width
}

// decodeUnicodeEscape decodes \uXXXX, and a surrogate pair as one
// character.
func decodeUnicodeEscape(c *canonText, src []byte, i int) int {
	read := func(at int) (rune, bool) {
		if at+6 > len(src) || src[at] != '\\' || src[at+1] != 'u' && src[at+1] != 'U' {
			return 0, false
		}
		hi, ok1 := hexByte(src, at+2)
		lo, ok2 := hexByte(src, at+4)
		return rune(hi)<<8 | rune(lo), ok1 && ok2
	}
	r, ok := read(i)
	if !ok {
		return 0
	}
	n := 6
	if r >= 0xD800 && r < 0xDC00 {
		if low, ok := read(i + 6); ok && low >= 0xDC00 && low < 0xE000 {
			r, n = (r-0xD800)<<10+(low-0xDC00)+0x10000, 12
		}
	}
	var buf [utf8.UTFMax]byte
	c.emit(buf[:utf8.EncodeRune(buf[:], r)], i, i+n)
	return n
}

// clean drops terminal escape sequences (colours, cursor moves, titles)
// and turns CRLF into LF, keeping where each byte came from.
func (c *canonText) clean() *canonText {
	out := &canonText{b: c.b[:0:0], from: c.from[:0:0], to: c.to[:0:0]}
	for i := 0; i < len(c.b); i++ {
		switch {
		case c.b[i] == 0x1b:
			i += terminalEscapeLen(c.b[i:]) - 1
		case c.b[i] == '\r' && i+1 < len(c.b) && c.b[i+1] == '\n':
			out.emit([]byte{'\n'}, c.from[i], c.to[i+1])
			i++
		default:
			out.emit(c.b[i:i+1], c.from[i], c.to[i])
		}
	}
	return out
}

// terminalEscapeLen is the length of the escape sequence at b[0] == ESC:
// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), or ESC, intermediate
// bytes and a final byte (ESC ( B).
func terminalEscapeLen(b []byte) int {
	if len(b) < 2 {
		return 1
	}
	switch b[1] {
	case '[':
		for j := 2; j < len(b); j++ {
			if b[j] >= 0x40 && b[j] <= 0x7e {
				return j + 1
			}
		}
		return len(b)
	case ']':
		for j := 2; j < len(b); j++ {
			if b[j] == 0x07 {
				return j + 1
			}
			if b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\' {
				return j + 2
			}
		}
		return len(b)
	}
	j := 1
	for j < len(b) && b[j] >= 0x20 && b[j] <= 0x2f {
		j++
	}
	return min(j+1, len(b))
}

// needle is a secret as find looks for it, and what replaces it.
type needle struct {
	text        []byte
	placeholder string
}

// needlesOf is what find looks for of one secret: the secret with its
// line ends as LF, and the secret decoded as canonicalize decodes a text
// (so "%41" in a secret is found where it is written raw, and where it is
// written escaped).
func needlesOf(secret, placeholder string) []needle {
	plain := canonicalize([]byte(secret), false)
	kept := bytes.ReplaceAll([]byte(secret), []byte("\r\n"), []byte("\n"))
	out := []needle{{kept, placeholder}}
	if !bytes.Equal(plain.b, kept) {
		out = append(out, needle{plain.b, placeholder})
	}
	return out
}

// placeholderText matches the placeholders in a text, which find leaves
// alone: a secret that happens to be part of a placeholder's text was
// already replaced, and replacing it again would never end.
var placeholderText = regexp.MustCompile(placeholderPrefix + `[a-z]+(?:-[a-z]+)*-[0-9]+`)

type found struct {
	start, end  int
	placeholder string
}

// replaceFound replaces the found ranges of src; where ranges overlap, the
// longer wins.
func replaceFound(src []byte, hits []found) []byte {
	if len(hits) == 0 {
		return src
	}
	sort.Slice(hits, func(i, j int) bool {
		if li, lj := hits[i].end-hits[i].start, hits[j].end-hits[j].start; li != lj {
			return li > lj
		}
		return hits[i].start < hits[j].start
	})
	var kept []found
	for _, h := range hits {
		clash := false
		for _, k := range kept {
			clash = clash || h.start < k.end && k.start < h.end
		}
		if !clash {
			kept = append(kept, h)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	var out bytes.Buffer
	at := 0
	for _, k := range kept {
		out.Write(src[at:k.start])
		out.WriteString(k.placeholder)
		at = k.end
	}
	out.Write(src[at:])
	return out.Bytes()
}

// findIn returns where the needles occur in src, in any escaped form,
// outside placeholders.
func findIn(src []byte, needles []needle) []found {
	if len(needles) == 0 || len(src) == 0 {
		return nil
	}
	protected := placeholderText.FindAllIndex(src, -1)
	var hits []found
	modes := []bool{false}
	if bytes.IndexByte(src, '+') >= 0 {
		modes = append(modes, true)
	}
	for _, plus := range modes {
		c := canonicalize(src, plus)
		for _, n := range needles {
			if len(n.text) == 0 {
				continue
			}
			for at := 0; ; {
				i := bytes.Index(c.b[at:], n.text)
				if i < 0 {
					break
				}
				i += at
				start, end := c.span(i, i+len(n.text))
				h := found{start, end, n.placeholder}
				clash := false
				for _, p := range protected {
					clash = clash || h.start < p[1] && p[0] < h.end
				}
				if !clash {
					hits = append(hits, h)
				}
				at = i + 1
			}
		}
	}
	return hits
}

// base64Runs match the runs of either base64 alphabet long enough to hold
// a secret, over line breaks (MIME and PEM wrap base64 in lines).
var base64Runs = []struct {
	re  *regexp.Regexp
	enc *base64.Encoding
}{
	{regexp.MustCompile(`[A-Za-z0-9+/]{6,}(?:\r?\n[A-Za-z0-9+/]{4,})*=*`), base64.RawStdEncoding},
	{regexp.MustCompile(`[A-Za-z0-9_-]{6,}(?:\r?\n[A-Za-z0-9_-]{4,})*=*`), base64.RawURLEncoding},
}

// lineBreaks are dropped from a base64 run before it is decoded.
var lineBreaks = strings.NewReplacer("\r", "", "\n", "")

// replaceInBase64 decodes every base64 run of src at each of the four
// alignments, and where the decoded bytes hold a needle, writes the run
// anew from the bytes with the needle replaced.
func replaceInBase64(src []byte, needles []needle) []byte {
	for _, alphabet := range base64Runs {
		src = alphabet.re.ReplaceAllFunc(src, func(run []byte) []byte {
			data := lineBreaks.Replace(strings.TrimRight(string(run), "="))
			padded := len(run) > 0 && run[len(run)-1] == '='
			for off := 0; off < 4 && len(data)-off >= 6; off++ {
				body := data[off:]
				if len(body)%4 == 1 {
					body = body[:len(body)-1]
				}
				dec, err := alphabet.enc.DecodeString(body)
				if err != nil {
					continue
				}
				hits := findInDecoded(dec, needles)
				if len(hits) == 0 {
					continue
				}
				enc := alphabet.enc
				if padded {
					enc = enc.WithPadding(base64.StdPadding)
				}
				return []byte(data[:off] + enc.EncodeToString(replaceFound(dec, hits)) + data[off+len(body):])
			}
			return run
		})
	}
	return src
}

// findInDecoded looks for the needles in what a base64 run decodes to:
// in any form when it is text, as they are when it is binary (an image,
// or, far more often, the noise an ordinary word decodes to).
func findInDecoded(dec []byte, needles []needle) []found {
	if utf8.Valid(dec) {
		return findIn(dec, needles)
	}
	var hits []found
	for _, n := range needles {
		for at := 0; len(n.text) > 0; {
			i := bytes.Index(dec[at:], n.text)
			if i < 0 {
				break
			}
			hits = append(hits, found{at + i, at + i + len(n.text), n.placeholder})
			at += i + 1
		}
	}
	return hits
}

// replaceSecrets replaces every needle in src, in any form: escaped in
// any way canonicalize decodes, and inside base64.
func replaceSecrets(src []byte, needles []needle) []byte {
	if len(needles) == 0 || len(src) == 0 {
		return src
	}
	return replaceInBase64(replaceFound(src, findIn(src, needles)), needles)
}
