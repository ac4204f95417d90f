package consignment

import (
	"strconv"

	"github.com/go-pdf/fpdf"

	"github.com/silkgate/silkgate/adapters/internal/fonts"
)

// Type sizes (pt) and line heights (mm).
const (
	labelPt = 6.5
	labelLH = 2.9
	textPt  = 9
	textLH  = 4.0
	cellPt  = 8
	cellLH  = 3.6
	pad     = 1.0

	bottomMargin = 18.0 // leaves room for the footer and its legend
)

// drawer places a form on the pages of one fpdf document; its writer sets each run of text in
// the font that draws it (Chinese in Droid Sans Fallback, the rest in DejaVu Sans).
type drawer struct {
	pdf    *fpdf.Fpdf
	w      *fonts.Writer
	top    float64 // where the body starts on a continuation page
	bottom float64 // where the body must end on every page
}

// build lays the form out on A4 pages. Long tables and boxes run onto further pages, each with
// a running head, the table's header repeated and a numbered footer.
func build(f form) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	// The page-count alias must be set before the fonts are added: fpdf then keeps the digits
	// it substitutes in the font subset.
	pdf.AliasNbPages("{nb}")
	fonts.Register(pdf, true)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, bottomMargin)
	pdf.SetTitle(f.docTitle, true)
	pdf.SetSubject("CIM/SMGS consignment note", true)
	pdf.SetCreator("silkgate", true)
	pdf.SetCatalogSort(true)
	if !f.issued.IsZero() {
		// The note's own date, not the clock: the same note renders to the same bytes.
		pdf.SetCreationDate(f.issued)
		pdf.SetModificationDate(f.issued)
	}

	_, pageH := pdf.GetPageSize()
	d := &drawer{pdf: pdf, w: fonts.NewWriter(pdf), top: margin + 9, bottom: pageH - bottomMargin}

	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() == 1 {
			return
		}
		d.font("B", textPt, 0)
		d.w.Cell(margin, margin, contentW, textLH, f.footer+" — continued / продолжение / Fortsetzung", "L")
		pdf.Line(margin, margin+textLH, margin+contentW, margin+textLH)
		pdf.SetXY(margin, d.top)
	})
	pdf.SetFooterFunc(func() {
		y := pageH - bottomMargin + 2
		if f.legend != "" {
			d.font("", labelPt, 80)
			for i, l := range d.split(f.legend, contentW) {
				d.w.Cell(margin, y+float64(i)*labelLH, contentW, labelLH, l, "L")
			}
		}
		d.font("", labelPt+0.5, 80)
		y = pageH - margin - labelLH
		d.w.Cell(margin, y, contentW/2, labelLH, f.footer, "L")
		d.w.Cell(margin+contentW/2, y, contentW/2, labelLH, "Page / Лист / Blatt "+strconv.Itoa(pdf.PageNo())+" / {nb}", "R")
	})

	pdf.AddPage()
	d.head(f)
	for _, b := range f.blocks {
		if b.table != nil {
			d.table(b.table)
		} else {
			d.boxes(b.boxes)
		}
	}
	return pdf
}

func (d *drawer) font(style string, pt float64, gray int) {
	d.w.SetFont(style, pt)
	d.pdf.SetTextColor(gray, gray, gray)
}

// split wraps s to a cell of width w (less its margins) in the current font. An empty line
// stays one (blank) line.
func (d *drawer) split(s string, w float64) []string {
	return d.w.Wrap(s, w-2*d.pdf.GetCellMargin())
}

func (d *drawer) y() float64 { return d.pdf.GetY() }

func (d *drawer) newPage() { d.pdf.AddPage() }

// head draws the first page's title block: the form's name on the left, number and dates in
// a framed block on the right.
func (d *drawer) head(f form) {
	pdf := d.pdf
	d.font("B", 20, 0)
	d.w.Cell(margin, margin, 90, 10, f.title, "L")
	d.font("", textPt-1, 0)
	subtitle := d.split(f.subtitle, 95)
	for i, l := range subtitle {
		d.w.Cell(margin, margin+11+float64(i)*textLH, 95, textLH, l, "L")
	}

	x, w := margin+contentW-85, 85.0
	rowH := labelLH + textLH + pad
	for i, m := range f.meta {
		y := margin + float64(i)*rowH
		pdf.Rect(x, y, w, rowH, "D")
		d.font("", labelPt, 80)
		d.w.Cell(x, y+0.3, w, labelLH, m[0], "L")
		d.font("B", textPt, 0)
		d.w.Cell(x, y+labelLH, w, textLH, d.split(m[1], w)[0], "L")
	}
	end := margin + float64(len(f.meta))*rowH
	if y := margin + 11 + float64(len(subtitle))*textLH; y > end {
		end = y
	}
	pdf.SetXY(margin, end+3)
}

// boxes draws a band of boxes side by side, all as tall as the fullest. A band that does not
// fit under the current one starts a new page; one taller than a whole page (a very long
// route) is split across pages.
func (d *drawer) boxes(bs []box) {
	labels := make([][]string, len(bs))
	texts := make([][]string, len(bs))
	labelH, minH, n := 0.0, 0.0, 0
	for i, b := range bs {
		d.font("B", labelPt, 0)
		labels[i] = d.split(b.label, b.width)
		labelH = max(labelH, float64(len(labels[i]))*labelLH)
		d.font("", textPt, 0)
		for _, l := range b.lines {
			texts[i] = append(texts[i], d.split(l, b.width)...)
		}
		n = max(n, len(texts[i]))
		minH = max(minH, b.minH)
	}

	for start, fresh := 0, false; ; {
		avail := d.bottom - d.y()
		h := max(2*pad+labelH+float64(n-start)*textLH, minH)
		if h <= avail {
			d.boxChunk(bs, labels, texts, labelH, start, n, h)
			return
		}
		fit := int((avail - 2*pad - labelH) / textLH)
		if !fresh && (h <= d.bottom-d.top || fit < 1) {
			d.newPage()
			fresh = true
			continue
		}
		fit = max(fit, 1)
		d.boxChunk(bs, labels, texts, labelH, start, start+fit, avail)
		start += fit
		d.newPage()
		fresh = true
	}
}

// boxChunk draws text lines [from, to) of every box of a band, in boxes of height h. The text
// starts below the tallest label, so the lines of neighbouring boxes stay level.
func (d *drawer) boxChunk(bs []box, labels, texts [][]string, labelH float64, from, to int, h float64) {
	pdf := d.pdf
	x, y := margin, d.y()
	for i, b := range bs {
		pdf.Rect(x, y, b.width, h, "D")
		ly := y + pad
		d.font("B", labelPt, 80)
		for _, l := range labels[i] {
			d.w.Cell(x, ly, b.width, labelLH, l, "L")
			ly += labelLH
		}
		ly = y + pad + labelH
		d.font("", textPt, 0)
		for j := from; j < to && j < len(texts[i]); j++ {
			d.w.Cell(x, ly, b.width, textLH, texts[i][j], "L")
			ly += textLH
		}
		x += b.width
	}
	pdf.SetXY(margin, y+h)
}

// table draws a table: its numbered title, the column header and the rows, starting a new page
// (with the title and header again) whenever the next row does not fit.
func (d *drawer) table(t *table) {
	widths := make([]float64, len(t.cols))
	for i, c := range t.cols {
		widths[i] = c.width
	}

	d.font("B", labelPt, 0)
	titleH := 2*pad + float64(len(d.split(t.label, contentW)))*labelLH
	headers := make([]string, len(t.cols))
	for i, c := range t.cols {
		headers[i] = c.title
	}
	headH := d.rowHeight(headers, widths, labelLH)

	d.font("", cellPt, 0)
	rows := t.rows
	if len(rows) == 0 {
		rows = [][]string{{t.empty}}
	}
	// Keep the title and header with the first row.
	firstW := widths
	if len(rows[0]) == 1 {
		firstW = []float64{sum(widths)}
	}
	if d.y()+titleH+headH+d.rowHeight(rows[0], firstW, cellLH) > d.bottom {
		d.newPage()
	}
	d.tableHead(t, widths, headers, headH)

	for _, r := range rows {
		w, cols := widths, t.cols
		if len(r) == 1 { // the "none" row spans the table
			w, cols = []float64{sum(widths)}, nil
		}
		d.font("", cellPt, 0)
		h := d.rowHeight(r, w, cellLH)
		if d.y()+h > d.bottom {
			d.newPage()
			d.tableHead(t, widths, headers, headH)
		}
		d.font("", cellPt, 0)
		d.row(r, w, cols, h, cellLH, false)
	}
	for _, total := range t.totals {
		w := append([]float64{sum(widths[:t.totalSpan])}, widths[t.totalSpan:]...)
		cols := append([]column{{}}, t.cols[t.totalSpan:]...)
		d.font("B", cellPt, 0)
		h := d.rowHeight(total, w, cellLH)
		if d.y()+h > d.bottom {
			d.newPage()
			d.tableHead(t, widths, headers, headH)
		}
		d.font("B", cellPt, 0)
		d.row(total, w, cols, h, cellLH, true)
	}
}

func (d *drawer) tableHead(t *table, widths []float64, headers []string, headH float64) {
	pdf := d.pdf
	d.font("B", labelPt, 80)
	lines := d.split(t.label, contentW)
	y := d.y()
	h := 2*pad + float64(len(lines))*labelLH
	pdf.Rect(margin, y, contentW, h, "D")
	for i, l := range lines {
		d.w.Cell(margin, y+pad+float64(i)*labelLH, contentW, labelLH, l, "L")
	}
	pdf.SetXY(margin, y+h)
	d.font("B", labelPt, 60)
	d.row(headers, widths, t.cols, headH, labelLH, true)
}

// row draws one table row of height h; filled rows (header, totals) get a light background.
func (d *drawer) row(cells []string, widths []float64, cols []column, h, lh float64, fill bool) {
	pdf := d.pdf
	pdf.SetFillColor(236, 236, 236)
	style := "D"
	if fill {
		style = "FD"
	}
	x, y := margin, d.y()
	for i, c := range cells {
		pdf.Rect(x, y, widths[i], h, style)
		align := "L"
		if i < len(cols) && cols[i].right {
			align = "R"
		}
		for j, l := range d.split(c, widths[i]) {
			d.w.Cell(x, y+pad+float64(j)*lh, widths[i], lh, l, align)
		}
		x += widths[i]
	}
	pdf.SetXY(margin, y+h)
}

// rowHeight is the height of a row whose cells wrap to widths, in the current font.
func (d *drawer) rowHeight(cells []string, widths []float64, lh float64) float64 {
	n := 1
	for i, c := range cells {
		n = max(n, len(d.split(c, widths[i])))
	}
	return 2*pad + float64(n)*lh
}

func sum(ws []float64) float64 {
	t := 0.0
	for _, w := range ws {
		t += w
	}
	return t
}
