package fonts

import (
	"bytes"
	"strings"

	"github.com/go-pdf/fpdf"
)

// The font families Register adds to a document.
const (
	LatinFamily = "dejavusans"
	CJKFamily   = "droidsansfallback"
)

// Register adds the embedded fonts to pdf: DejaVu Sans regular and, with bold, bold; and Droid
// Sans Fallback, which has one weight, so Chinese in bold text is set in it too.
//
// Each document gets its own copy of the font files: fpdf writes into the bytes it is given
// while it subsets a font (getMetrics appends to a slice of them for glyphs past the hmtx long
// metrics, as Droid Sans Fallback's are), which would corrupt the shared embedded copy and
// race between concurrent renders.
func Register(pdf *fpdf.Fpdf, bold bool) {
	pdf.AddUTF8FontFromBytes(LatinFamily, "", bytes.Clone(DejaVuSans))
	if bold {
		pdf.AddUTF8FontFromBytes(LatinFamily, "B", bytes.Clone(DejaVuSansBold))
	}
	pdf.AddUTF8FontFromBytes(CJKFamily, "", bytes.Clone(DroidSansFallback))
}

// Run is a stretch of text set in one font.
type Run struct {
	Text string
	CJK  bool // set in Droid Sans Fallback, else in DejaVu Sans
}

// Runs splits s into runs of one font each.
func Runs(s string) []Run {
	var out []Run
	start, cjk := 0, false
	for i, r := range s {
		c := IsCJK(r)
		if i > start && c != cjk {
			out = append(out, Run{s[start:i], cjk})
			start = i
		}
		cjk = c
	}
	if start < len(s) {
		out = append(out, Run{s[start:], cjk})
	}
	return out
}

// Writer sets text that mixes Chinese with Latin or Cyrillic on the pages of one document
// (whose fonts Register added), each run in the font that draws it. It belongs to that one
// document: it remembers the width of every rune it measured.
type Writer struct {
	pdf    *fpdf.Fpdf
	style  string  // "" or "B", for DejaVu
	pt     float64 // type size
	widths map[glyphKey]int
}

type glyphKey struct {
	r     rune
	style string // "" for Droid, which has one weight
}

// NewWriter returns a writer for pdf, set in regular 10 pt.
func NewWriter(pdf *fpdf.Fpdf) *Writer {
	return &Writer{pdf: pdf, pt: 10, widths: map[glyphKey]int{}}
}

// SetFont sets the style ("" or "B") and size (pt) of what follows.
func (w *Writer) SetFont(style string, pt float64) { w.style, w.pt = style, pt }

// Size is the current type size in points.
func (w *Writer) Size() float64 { return w.pt }

func (w *Writer) use(cjk bool) {
	if cjk {
		w.pdf.SetFont(CJKFamily, "", w.pt)
	} else {
		w.pdf.SetFont(LatinFamily, w.style, w.pt)
	}
}

// units is the advance width of r in its font, in thousandths of the type size. fpdf sets no
// kerning, so a string is as wide as its runes added up; each is measured once.
func (w *Writer) units(r rune) int {
	k := glyphKey{r, w.style}
	cjk := IsCJK(r)
	if cjk {
		k.style = ""
	}
	u, ok := w.widths[k]
	if !ok {
		w.use(cjk)
		u = w.pdf.GetStringSymbolWidth(string(r))
		w.widths[k] = u
	}
	return u
}

func (w *Writer) scale() float64 { return w.pt / w.pdf.GetConversionRatio() / 1000 }

// Width is how wide s is set, in the document's unit.
func (w *Writer) Width(s string) float64 {
	u := 0
	for _, r := range s {
		u += w.units(r)
	}
	return float64(u) * w.scale()
}

// Cell sets s on one line in the box of width wd and height h at (x, y), aligned "L", "C" or
// "R", as fpdf's CellFormat would with one font: the cell margin kept on the aligned side.
func (w *Writer) Cell(x, y, wd, h float64, s, align string) {
	m := w.pdf.GetCellMargin()
	switch align {
	case "R":
		x += wd - m - w.Width(s)
	case "C":
		x += (wd - w.Width(s)) / 2
	default:
		x += m
	}
	for _, r := range Runs(s) {
		rw := w.Width(r.Text)
		w.use(r.CJK)
		w.pdf.SetXY(x, y)
		// A cell without margins exactly as wide as the run: the runs join up.
		w.pdf.SetCellMargin(0)
		w.pdf.CellFormat(rw, h, r.Text, "", 0, "L", false, 0, "")
		w.pdf.SetCellMargin(m)
		x += rw
	}
}

// Wrap breaks s into lines no wider than wd: at its line breaks, after spaces, and between
// Chinese characters (which have no spaces), but not before closing punctuation or after
// opening; a word wider than a line is cut where it must be. An empty s is one empty line.
func (w *Writer) Wrap(s string, wd float64) []string {
	limit := int(wd/w.scale() + 1e-6) // in units
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		width, brk := 0, -1 // brk: line[:brk] may end a line
		for _, r := range para {
			u := w.units(r)
			for len(line) > 0 && width+u > limit && r != ' ' {
				cut := len(line)
				if brk > 0 {
					cut = brk
				}
				out = append(out, strings.TrimRight(string(line[:cut]), " "))
				rest := line[cut:]
				for len(rest) > 0 && rest[0] == ' ' {
					rest = rest[1:]
				}
				line = append([]rune(nil), rest...)
				width, brk = 0, -1
				for _, q := range line {
					width += w.units(q)
				}
			}
			if n := len(line); n > 0 && breaksBefore(line[n-1], r) {
				brk = n
			}
			line = append(line, r)
			width += u
		}
		out = append(out, strings.TrimRight(string(line), " "))
	}
	return out
}

// breaksBefore reports whether a line may end between prev and r.
func breaksBefore(prev, r rune) bool {
	switch {
	case r == ' ':
		return false
	case prev == ' ':
		return true
	case strings.ContainsRune(closing, r) || strings.ContainsRune(opening, prev):
		return false
	}
	return IsCJK(prev) || IsCJK(r)
}

const (
	closing = "，。、；：！？）》」』】〕〉”’…,.;:!?)]}%"
	opening = "（《「『【〔〈“‘([{"
)

// Clip shortens s with an ellipsis to fit width wd.
func (w *Writer) Clip(s string, wd float64) string {
	if w.Width(s) <= wd {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && w.Width(string(r)+"…") > wd {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
