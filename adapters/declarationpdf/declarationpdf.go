// Package declarationpdf prints a customs declaration (报关单) as a PDF: the export goods
// declaration form with its head (who, where, how, how much) and goods lines, labelled in
// Chinese and English. The exporter files it for the export tax refund (出口退税) once customs
// has cleared it; a draft prints as a draft. It implements app.EntryDeclarationRenderer.
//
// Text is set in two embedded fonts, each run of characters in the one that draws it — Droid
// Sans Fallback for Chinese, DejaVu Sans for the rest (adapters/internal/fonts) — so names print
// as they were declared.
package declarationpdf

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/silkgate/silkgate/adapters/internal/fonts"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
)

var _ app.EntryDeclarationRenderer = Renderer{}

// Renderer renders declarations; it keeps no state, so one serves concurrent calls.
type Renderer struct{}

// china is the time zone dates on the form are in.
var china = time.FixedZone("CST", 8*3600)

// Render returns the declaration d (an entry declaration) as a PDF.
func (Renderer) Render(ctx context.Context, d *customs.Declaration) ([]byte, error) {
	e, ok := d.Entry()
	if !ok {
		return nil, fmt.Errorf("declarationpdf: %s is not an entry declaration", d.ID())
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	fonts.Register(pdf, false)
	pdf.SetMargins(left, 12, left)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTitle("出口货物报关单 "+orDash(d.EntryID()), true)
	pdf.SetCreator("silkgate", true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(d.UpdatedAt()) // the declaration's own time: the same state prints the same bytes
	pdf.SetModificationDate(d.UpdatedAt())
	w := writer{fonts.NewWriter(pdf)}
	footer := func() {
		w.size(7)
		pdf.SetTextColor(90, 90, 90)
		w.line(left, 287, width, "Silkgate · "+d.ID()+" · 第 "+strconv.Itoa(pdf.PageNo())+" 页 page", "R")
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.AddPage()

	w.size(15)
	w.line(left, 14, width, "中华人民共和国海关出口货物报关单", "C")
	w.size(9)
	w.line(left, 21, width, "Export Goods Declaration of the Customs of the People's Republic of China", "C")
	w.size(8)
	w.line(left, 26, width, "状态 Status: "+statusLabel(d.Status()), "C")

	// Head: (label, value) boxes, three to a row.
	head := [][2]string{
		{"海关编号 Entry No.", orDash(d.EntryID())},
		{"预录入编号 Pre-entry No.", orDash(e.SeqNo)},
		{"申报地海关 Declaring customs", e.CustomMaster},
		{"出境关别 Exit port", e.IEPort},
		{"监管方式 Trade mode", e.TradeMode},
		{"运输方式 Transport", trafMode(e.TrafMode)},
		{"境内发货人 Shipper", e.TradeName + " (" + e.TradeCode + ")"},
		{"生产销售单位 Producer / seller", e.OwnerName + " (" + e.OwnerCode + ")"},
		{"申报单位 Declarant", e.AgentName + " (" + e.AgentCode + ")"},
		{"运抵国 Country of destination", country(e.TradeCountry)},
		{"指运港 Port of destination", orDash(e.DistinatePort)},
		{"成交方式 Terms of sale", transMode(e.TransMode)},
		{"提运单号 Bill No.", orDash(e.BillNo)},
		{"件数 Packages", strconv.FormatInt(e.PackNo, 10)},
		{"包装种类 Packing", e.WrapType},
		{"毛重 Gross (kg)", e.GrossWet.String()},
		{"净重 Net (kg)", e.NetWt.String()},
		{"申报日期 Declared", declared(d)},
	}
	const colW, labelH, valueH = width / 3, 4.0, 6.0
	y := 31.0
	for i := 0; i < len(head); i += 3 {
		for j := 0; j < 3 && i+j < len(head); j++ {
			x := left + float64(j)*colW
			pdf.Rect(x, y, colW, labelH+valueH, "D")
			w.size(6.5)
			pdf.SetTextColor(80, 80, 80)
			w.line(x+1, y+0.5, colW-2, head[i+j][0], "L")
			pdf.SetTextColor(0, 0, 0)
			w.size(8.5)
			w.line(x+1, y+labelH+0.5, colW-2, w.Clip(head[i+j][1], colW-2), "L")
		}
		y += labelH + valueH
	}
	y += 3

	// Goods lines.
	cols := []struct {
		label string
		w     float64
		align string
	}{
		{"项号\nNo.", 9, "C"}, {"商品编号\nHS code", 22, "L"}, {"商品名称及规格型号\nDescription", 52, "L"},
		{"数量及单位\nQuantity", 26, "R"}, {"单价/总价/币制\nPrice / total", 32, "R"},
		{"原产国\nOrigin", 22, "L"}, {"最终目的国\nDestination", 23, "L"},
	}
	const lh = 3.6
	tableHead := func() {
		x := left
		pdf.SetFillColor(235, 235, 235)
		w.size(6.5)
		for _, c := range cols {
			pdf.Rect(x, y, c.w, 2*lh+1, "FD")
			w.lines(x+0.5, y+0.5, c.w-1, lh, c.label, "C")
			x += c.w
		}
		y += 2*lh + 1
	}
	tableHead()
	for _, l := range e.Lines {
		cells := []string{
			strconv.Itoa(l.GNo), l.CodeTS, l.GName + "\n" + l.GModel,
			l.GQty.String() + " " + code.UnitName(l.GUnit) + "\n" + l.FirstQty.String() + " " + code.UnitName(l.FirstUnit),
			l.DeclPrice.String() + "\n" + l.DeclTotal.String() + " " + l.TradeCurr,
			country(l.OriginCountry), country(l.DestinationCountry),
		}
		w.size(7.5)
		rows := 1
		wrapped := make([][]string, len(cells))
		for i, c := range cells {
			wrapped[i] = w.Wrap(c, cols[i].w-2)
			rows = max(rows, len(wrapped[i]))
		}
		h := float64(rows)*lh + 1
		if y+h > 275 {
			footer()
			pdf.AddPage()
			y = 14
			tableHead()
			w.size(7.5)
		}
		x := left
		for i, c := range cols {
			pdf.Rect(x, y, c.w, h, "D")
			for k, text := range wrapped[i] {
				w.line(x+1, y+0.5+float64(k)*lh, c.w-2, text, c.align)
			}
			x += c.w
		}
		y += h
	}
	y += 4
	var notes []string
	if e.SummaryID != "" {
		notes = append(notes, "海关依汇总申请 "+e.SummaryID+" 生成 · generated by customs from summary "+e.SummaryID)
	}
	if d.Status() == customs.StatusCleared {
		notes = append(notes, "已结关, 可用于出口退税 · cleared: valid for the export tax refund")
	} else {
		notes = append(notes, "未结关, 不能用于出口退税 · not cleared: not valid for the export tax refund")
	}
	if e.Note != "" {
		notes = append(notes, "备注 Note: "+e.Note)
	}
	w.size(7)
	for _, n := range notes {
		for _, text := range w.Wrap(n, width) {
			if y > 280 {
				footer()
				pdf.AddPage()
				y = 14
			}
			w.line(left, y, width, text, "L")
			y += 4
		}
	}
	footer()
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("declarationpdf: render %s: %w", d.ID(), err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("declarationpdf: write %s: %w", d.ID(), err)
	}
	return buf.Bytes(), nil
}

// Page geometry (mm, A4 portrait).
const (
	left  = 12.0
	width = 186.0
)

// writer sets mixed Chinese and Latin text, each run in the font that draws it
// (adapters/internal/fonts), in one regular weight.
type writer struct{ *fonts.Writer }

func (w writer) size(pt float64) { w.SetFont("", pt) }

// line sets one line of text in the box [x, x+wd] at y (its top), aligned L, C or R.
func (w writer) line(x, y, wd float64, s, align string) {
	w.Cell(x, y, wd, w.Size()*0.3528*1.25, s, align) // points to mm, with leading
}

// lines sets text broken at its newlines and to the width, one line every lh.
func (w writer) lines(x, y, wd, lh float64, s, align string) {
	for i, l := range w.Wrap(s, wd) {
		w.line(x, y+float64(i)*lh, wd, l, align)
	}
}

func declared(d *customs.Declaration) string {
	if d.SubmittedAt().IsZero() {
		return "—"
	}
	return d.SubmittedAt().In(china).Format("2006-01-02")
}

// statusLabel names a declaration's status in Chinese and English.
func statusLabel(s customs.Status) string {
	zh := map[customs.Status]string{
		customs.StatusDraft: "草稿", customs.StatusSubmitted: "已申报", customs.StatusAccepted: "海关入库",
		customs.StatusManualReview: "人工审核", customs.StatusReviewFinished: "审结", customs.StatusInspection: "查验",
		customs.StatusReleased: "放行", customs.StatusCleared: "结关", customs.StatusRejected: "退单",
		customs.StatusCancelled: "删除",
	}[s]
	if zh == "" {
		return string(s)
	}
	return zh + " " + string(s)
}

func trafMode(m string) string {
	names := map[string]string{"2": "水路运输 waterway", "3": "铁路运输 railway", "4": "公路运输 road", "5": "航空运输 air",
		"6": "邮件运输 mail", "7": "保税区 bonded area", "9": "其他 other"}
	if n, ok := names[m]; ok {
		return m + " " + n
	}
	return m
}

func transMode(m string) string {
	names := map[string]string{"1": "CIF", "2": "C&F", "3": "FOB", "4": "C&I", "5": "市场价 market price", "6": "垫仓", "7": "EXW"}
	if n, ok := names[m]; ok {
		return m + " " + n
	}
	return m
}

func country(iso string) string {
	c, err := code.NormalizeCountry(iso)
	if err != nil {
		return iso
	}
	return c.NameZh + " " + c.NameEn
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
