package declarationpdf

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
)

func ptr[T any](v T) *T { return &v }

// entry is a declaration with Chinese names, 60 goods lines long enough to need a second page.
func entry(t testing.TB, lines int) *customs.Declaration {
	t.Helper()
	draft := customs.EntryDraft{CustomMaster: "4700", IEPort: "4700", TradeMode: "9710", TradeCode: "4206360A21",
		TradeName: "襄阳丝路跨境电商有限公司", AgentCode: "4206380015", AgentName: "襄阳高新报关行有限公司", TradeCountry: "DE",
		TransMode: "3", PackNo: 6, WrapType: "22", GrossWet: code.MustDecimal("12.5"), NetWt: code.MustDecimal("10")}
	for i := 0; i < lines; i++ {
		draft.Lines = append(draft.Lines, customs.EntryLineDraft{CodeTS: "8518300000", GName: "蓝牙耳机", GModel: "4|3|蓝牙5.3|入耳式|汉江牌",
			GQty: code.MustDecimal("4"), GUnit: "007", FirstQty: code.MustDecimal("4"), FirstUnit: "007",
			DeclPrice: ptr(code.MustDecimal("19.9")), TradeCurr: "EUR", OriginCountry: "CN", DestinationCountry: "DE"})
	}
	d, err := customs.NewEntry("ent_1", "org_broker", "org_exporter", draft, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), "org_broker")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRender(t *testing.T) {
	for _, n := range []int{1, 50} {
		pdf, err := Renderer{}.Render(context.Background(), entry(t, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(bytes.ToLower(pdf), []byte("droidsansfallback")) {
			t.Fatalf("%d lines: not a PDF with the CJK font embedded (%d bytes)", n, len(pdf))
		}
		if n == 50 && bytes.Count(pdf, []byte("/Type /Page\n")) < 2 {
			t.Errorf("50 lines on %d page(s)", bytes.Count(pdf, []byte("/Type /Page\n")))
		}
		again, _ := Renderer{}.Render(context.Background(), entry(t, n))
		if !bytes.Equal(pdf, again) {
			t.Errorf("%d lines: the same declaration printed differently", n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Renderer{}).Render(ctx, entry(t, 1)); err == nil {
		t.Error("a cancelled request still printed")
	}
}

// BenchmarkRender prints a declaration of 10 lines (the font is parsed and subset every time).
func BenchmarkRender(b *testing.B) {
	d := entry(b, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Renderer{}).Render(context.Background(), d); err != nil {
			b.Fatal(err)
		}
	}
}
