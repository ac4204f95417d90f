// Package fonts holds the TrueType fonts the PDF adapters embed, so that a document prints the
// same on every machine: DejaVu Sans (Latin, Cyrillic, Greek; LICENSE-DejaVu) and Droid Sans
// Fallback (Chinese, Japanese, Korean; Apache-2.0, LICENSE-DroidSansFallback), which has no
// Latin glyphs of its own — a document with both sets each run in the font that draws it
// (IsCJK).
package fonts

import _ "embed"

var (
	//go:embed DejaVuSans.ttf
	DejaVuSans []byte
	//go:embed DejaVuSans-Bold.ttf
	DejaVuSansBold []byte
	//go:embed DroidSansFallbackFull.ttf
	DroidSansFallback []byte
)

// IsCJK reports whether r is drawn with Droid Sans Fallback rather than DejaVu Sans: the CJK
// blocks from the radicals (U+2E80) on, the fullwidth forms among them. DejaVu draws what
// comes before — Latin, Greek, Cyrillic, punctuation and symbols such as · — … №.
func IsCJK(r rune) bool { return r >= 0x2E80 }
