package fonts

import (
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

func TestCoverage(t *testing.T) {
	g, err := EmbeddedGlyphs()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "AZaz09ÄÖÜäöüßАЯаяЁё№–—…→·阿拉山口中国襄郜，。（）" {
		if !g.Drawable(r) {
			t.Errorf("%q (U+%04X) should print", r, r)
		}
	}
	for _, r := range "阿拉山口中国，。" {
		if g.Latin.Has(r) {
			t.Errorf("DejaVu Sans has no CJK, yet %q (U+%04X) counts as drawable", r, r)
		}
	}
	for _, r := range "龘📦\t\x00" { // outside GB 2312, outside the BMP, control characters
		if g.Drawable(r) {
			t.Errorf("%q (U+%04X) counts as drawable", r, r)
		}
	}
	if _, err := CmapCoverage([]byte("not a font")); err == nil {
		t.Error("CmapCoverage accepted garbage")
	}
	if _, err := CmapCoverage(DejaVuSansBold); err != nil {
		t.Errorf("bold face: %v", err)
	}
}

func TestRuns(t *testing.T) {
	got := Runs("Alashankou / 阿拉山口（XJ）")
	want := []Run{{"Alashankou / ", false}, {"阿拉山口（", true}, {"XJ", false}, {"）", true}}
	if len(got) != len(want) {
		t.Fatalf("Runs = %v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("run %d = %v, want %v", i, got[i], want[i])
		}
	}
	if Runs("") != nil {
		t.Error("an empty string has runs")
	}
}

func writer(t *testing.T) *Writer {
	pdf := fpdf.New("P", "mm", "A4", "")
	Register(pdf, true)
	w := NewWriter(pdf)
	w.SetFont("", 10)
	if err := pdf.Error(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWrap(t *testing.T) {
	w := writer(t)
	const width = 40.0
	for _, s := range []string{
		"Xiangyang Cross-border E-commerce Supply Chain Co., Ltd. / 襄阳跨境电商供应链有限公司",
		"湖北省襄阳市高新区郜营铁路物流园八号，襄阳北编组站（郜营）旁边的仓库",
		"Averyveryveryveryverylongwordwithoutanyspacesatallthatmustbecut",
		"short",
		"two\nlines",
	} {
		lines := w.Wrap(s, width)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(strings.ReplaceAll(s, "\n", ""), " ", "") {
			t.Errorf("Wrap(%q) lost text: %q", s, lines)
		}
		for _, l := range lines {
			if w.Width(l) > width+1e-9 {
				t.Errorf("Wrap(%q): line %q is %.2f mm wide, over %.0f", s, l, w.Width(l), width)
			}
			if strings.HasPrefix(l, "，") || strings.HasPrefix(l, "）") {
				t.Errorf("Wrap(%q): line %q starts with closing punctuation", s, l)
			}
		}
	}
	// Latin breaks at spaces only (whole words on every line); Chinese between characters.
	words := map[string]bool{}
	latin := "one two three four five six seven eight"
	for _, x := range strings.Fields(latin) {
		words[x] = true
	}
	got := w.Wrap(latin, 30)
	if len(got) < 2 {
		t.Errorf("Latin wrap %q", got)
	}
	for _, l := range got {
		for _, x := range strings.Fields(l) {
			if !words[x] {
				t.Errorf("Latin wrap %q cut a word: %q", got, x)
			}
		}
	}
	if got := w.Wrap("襄阳跨境电商供应链有限公司", 20); len(got) < 2 {
		t.Errorf("Chinese wrap %q", got)
	}
	if got := w.Wrap("", 30); len(got) != 1 || got[0] != "" {
		t.Errorf(`Wrap("") = %q`, got)
	}
	if got := w.Wrap("two\nlines", 100); len(got) != 2 {
		t.Errorf("line breaks not kept: %q", got)
	}
	// Widths add up across the fonts, and bold is wider than regular.
	if a, b, ab := w.Width("Xi'an "), w.Width("西安"), w.Width("Xi'an 西安"); a <= 0 || b <= 0 || ab < a+b-1e-9 || ab > a+b+1e-9 {
		t.Errorf("widths %v + %v != %v", a, b, ab)
	}
	regular := w.Width("Consignor")
	w.SetFont("B", 10)
	if w.Width("Consignor") <= regular {
		t.Error("bold is not wider than regular")
	}
}
