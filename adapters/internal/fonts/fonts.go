// Package fonts holds the TrueType fonts the PDF adapters embed, so that a document prints the
// same on every machine: DejaVu Sans (Latin, Cyrillic, Greek; LICENSE-DejaVu) and Droid Sans
// Fallback (Apache-2.0, LICENSE-DroidSansFallback) cut to the characters of GB 2312 and the CJK
// punctuation and fullwidth forms (subset.sh rebuilds it: 1 MB instead of 4), which has no Latin
// glyphs of its own — a document with both sets each run in the font that draws it (IsCJK):
// Register adds both to an fpdf document, and a Writer measures, wraps and sets mixed text.
// EmbeddedGlyphs says what the two draw, so that a document can mark what it cannot print (a
// rare hanzi outside GB 2312) instead of drawing an empty box.
package fonts

import _ "embed"

var (
	//go:embed DejaVuSans.ttf
	DejaVuSans []byte
	//go:embed DejaVuSans-Bold.ttf
	DejaVuSansBold []byte
	//go:embed DroidSansFallbackGB.ttf
	DroidSansFallback []byte
)

// IsCJK reports whether r is drawn with Droid Sans Fallback rather than DejaVu Sans: the CJK
// blocks from the radicals (U+2E80) on, the fullwidth forms among them. DejaVu draws what
// comes before — Latin, Greek, Cyrillic, punctuation and symbols such as · — … №.
func IsCJK(r rune) bool { return r >= 0x2E80 }
