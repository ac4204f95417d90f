// Package consignment prints the consignment note of a freight-train booking as a PDF: a
// CIM/SMGS-style note (накладная ЦИМ/СМГС, 国际货协/国际货约运单) that the consignor signs and
// the forwarding station stamps, and that travels with the containers across the border or to
// the port. It implements app.ConsignmentNoteRenderer.
//
// The form is A4 portrait with numbered boxes labelled in English, Russian and German, as the
// bilingual Russian/German CIM/SMGS forms are; the numbers are this layout's, in reading order,
// not the official CIM/SMGS field numbers. Text is set in two fonts embedded in the binary, so
// a note prints the same on every machine: each run of Chinese in Droid Sans Fallback, the rest
// (Latin, Cyrillic, German) in DejaVu Sans (adapters/internal/fonts). Names print in their Latin
// form, which every railway on the route reads, followed by the registered Chinese or Cyrillic
// one. A character neither font draws (a hanzi outside GB 2312, an emoji) is replaced by "[…]"
// with a legend saying so, rather than printed as a blank box.
//
// The totals rows are the sums of the rows above them, to the gram; beside the goods' total
// stands the gross mass the booking declared.
package consignment

import (
	"bytes"
	"context"
	"fmt"

	"github.com/silkgate/silkgate/app"
)

var _ app.ConsignmentNoteRenderer = (*Renderer)(nil)

// Renderer renders consignment notes. It holds no per-note state: every Render builds its own
// PDF document and only reads the shared font data, so one Renderer serves concurrent calls.
type Renderer struct{}

// New returns a Renderer.
func New() *Renderer { return &Renderer{} }

// Render returns the note as a PDF document.
func (r *Renderer) Render(ctx context.Context, n app.ConsignmentNote) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	set, err := glyphs()
	if err != nil {
		return nil, err
	}
	pdf := build(layout(n, set))
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("consignment: render note %q: %w", n.Number, err)
	}
	// Drawing is quick; the caller may still have given up meanwhile, and Output (font
	// subsetting and compression) is the costly part.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("consignment: write note %q: %w", n.Number, err)
	}
	return buf.Bytes(), nil
}
