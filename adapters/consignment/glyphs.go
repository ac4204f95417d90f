package consignment

import (
	"strings"
	"unicode"

	"github.com/silkgate/silkgate/adapters/internal/fonts"
)

// placeholder stands for each run of characters neither embedded font can draw (a rare hanzi
// outside GB 2312, an emoji). The reader sees that something is there instead of blank boxes
// or wrong letters.
const placeholder = "[…]"

// glyphs is what the embedded fonts draw (adapters/internal/fonts), shared by all renders.
var glyphs = fonts.EmbeddedGlyphs

// printable returns text with every run of runes the fonts cannot draw replaced by one
// placeholder, and whether it replaced anything. Line breaks are kept; other control
// characters become spaces, since they would print as missing-glyph boxes.
func printable(g *fonts.Glyphs, text string) (string, bool) {
	var b strings.Builder
	replaced, inRun := false, false
	for _, r := range text {
		switch {
		case g.Drawable(r):
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
