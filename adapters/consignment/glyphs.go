package consignment

import (
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"unicode"

	"github.com/silkgate/silkgate/adapters/internal/fonts"
)

// The fonts are embedded so that a note prints the same on every machine (adapters/internal/fonts).
var (
	fontRegular = fonts.DejaVuSans
	fontBold    = fonts.DejaVuSansBold
)

// placeholder stands for each run of characters the font cannot draw. The reader sees that
// something is there (usually Chinese) instead of blank boxes or wrong letters.
const placeholder = "[…]"

// runeSet is a bitset over the Basic Multilingual Plane: the runes the font has glyphs for.
// fpdf reads only the font's BMP cmap and indexes its width table by rune up to U+FFFF, so a
// rune outside the BMP is never drawable (and must not reach fpdf, whose line splitting would
// index past that table).
type runeSet [0x10000 / 64]uint64

func (s *runeSet) add(r rune)           { s[r>>6] |= 1 << (r & 63) }
func (s *runeSet) has(r rune) bool      { return r >= 0 && r < 0x10000 && s[r>>6]&(1<<(r&63)) != 0 }
func (s *runeSet) drawable(r rune) bool { return r == '\n' || (!unicode.IsControl(r) && s.has(r)) }

// glyphs is the coverage of the regular font (the bold face covers the same repertoire for the
// scripts this note uses). It is computed once and then only read, so renders share it.
var glyphs = sync.OnceValues(func() (*runeSet, error) { return cmapCoverage(fontRegular) })

// printable returns text with every run of runes the font cannot draw replaced by one
// placeholder, and whether it replaced anything. Line breaks are kept; other control
// characters become spaces, since they would print as missing-glyph boxes.
func (s *runeSet) printable(text string) (string, bool) {
	var b strings.Builder
	replaced, inRun := false, false
	for _, r := range text {
		switch {
		case s.drawable(r):
			b.WriteRune(r)
			inRun = false
		case unicode.IsControl(r) && r != '\n':
			b.WriteByte(' ')
			inRun = false
		case !inRun:
			b.WriteString(placeholder)
			replaced, inRun = true, true
		}
	}
	return b.String(), replaced
}

// cmapCoverage reads the Unicode BMP (format 4) cmap of a TrueType font, the same subtable fpdf
// maps text through, and returns the runes that map to a real glyph.
func cmapCoverage(ttf []byte) (*runeSet, error) {
	errBad := errors.New("consignment: malformed font: no usable cmap")
	u16 := func(off int) (int, bool) {
		if off < 0 || off+2 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(ttf[off:])), true
	}
	u32 := func(off int) (int, bool) {
		if off < 0 || off+4 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint32(ttf[off:])), true
	}

	// Table directory: find "cmap".
	numTables, ok := u16(4)
	if !ok {
		return nil, errBad
	}
	cmap := -1
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errBad
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap, _ = u32(rec + 8)
			break
		}
	}
	if cmap < 0 {
		return nil, errBad
	}

	// Encoding records: the first Unicode (platform 0, or Windows 3/1) subtable in format 4.
	n, ok := u16(cmap + 2)
	if !ok {
		return nil, errBad
	}
	sub := -1
	for i := 0; i < n && sub < 0; i++ {
		rec := cmap + 4 + 8*i
		platform, ok1 := u16(rec)
		encoding, ok2 := u16(rec + 2)
		off, ok3 := u32(rec + 4)
		if !ok1 || !ok2 || !ok3 {
			return nil, errBad
		}
		if platform == 0 || (platform == 3 && encoding == 1) {
			if format, ok := u16(cmap + off); ok && format == 4 {
				sub = cmap + off
			}
		}
	}
	if sub < 0 {
		return nil, errBad
	}

	segX2, ok := u16(sub + 6)
	if !ok {
		return nil, errBad
	}
	ends := sub + 14
	starts := ends + segX2 + 2
	deltas := starts + segX2
	rangeOffsets := deltas + segX2
	set := new(runeSet)
	for i := 0; i < segX2/2; i++ {
		end, ok1 := u16(ends + 2*i)
		start, ok2 := u16(starts + 2*i)
		delta, ok3 := u16(deltas + 2*i)
		ro, ok4 := u16(rangeOffsets + 2*i)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, errBad
		}
		for c := start; c <= end && c < 0xFFFF; c++ {
			g := c
			if ro != 0 {
				// idRangeOffset counts from its own position into glyphIdArray.
				if g, ok = u16(rangeOffsets + 2*i + ro + 2*(c-start)); !ok {
					return nil, errBad
				}
				if g == 0 {
					continue
				}
			}
			if (g+delta)&0xFFFF != 0 {
				set.add(rune(c))
			}
		}
	}
	return set, nil
}
