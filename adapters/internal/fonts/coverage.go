package fonts

import (
	"encoding/binary"
	"errors"
	"sync"
	"unicode"
)

// Coverage is the set of runes a font has glyphs for, over the Basic Multilingual Plane. fpdf
// reads only a font's BMP cmap and indexes its width table by rune up to U+FFFF, so a rune
// outside the BMP is never drawable (and must not reach fpdf, whose line splitting would index
// past that table).
type Coverage [0x10000 / 64]uint64

func (c *Coverage) add(r rune) { c[r>>6] |= 1 << (r & 63) }

// Has reports whether the font has a glyph for r.
func (c *Coverage) Has(r rune) bool { return r >= 0 && r < 0x10000 && c[r>>6]&(1<<(r&63)) != 0 }

// Glyphs is what the embedded fonts can draw, each rune in the font IsCJK picks for it.
type Glyphs struct {
	Latin, CJK *Coverage // DejaVu Sans (the bold face covers the same), Droid Sans Fallback GB
}

// Drawable reports whether r prints: a line break, or a rune that the font IsCJK picks has a
// glyph for. Control characters are not drawable: they would print as missing-glyph boxes.
func (g *Glyphs) Drawable(r rune) bool {
	switch {
	case r == '\n':
		return true
	case unicode.IsControl(r):
		return false
	case IsCJK(r):
		return g.CJK.Has(r)
	}
	return g.Latin.Has(r)
}

// EmbeddedGlyphs is the coverage of the embedded fonts, read once and then only read, so that
// concurrent renders share it.
var EmbeddedGlyphs = sync.OnceValues(func() (*Glyphs, error) {
	latin, err := CmapCoverage(DejaVuSans)
	if err != nil {
		return nil, err
	}
	cjk, err := CmapCoverage(DroidSansFallback)
	if err != nil {
		return nil, err
	}
	return &Glyphs{Latin: latin, CJK: cjk}, nil
})

// CmapCoverage reads the Unicode BMP (format 4) cmap of a TrueType font, the same subtable fpdf
// maps text through, and returns the runes that map to a real glyph.
func CmapCoverage(ttf []byte) (*Coverage, error) {
	errBad := errors.New("fonts: malformed font: no usable cmap")
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
	set := new(Coverage)
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
