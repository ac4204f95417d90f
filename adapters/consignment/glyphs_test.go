package consignment

import "testing"

func TestPrintable(t *testing.T) {
	set, err := glyphs()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in, want string
		replaced bool
	}{
		{"Xiangyang–Wuhan–Europe", "Xiangyang–Wuhan–Europe", false},
		{"Станция отправления Ворсино", "Станция отправления Ворсино", false},
		{"Empfänger: Spedition Müller GmbH, Straße 5", "Empfänger: Spedition Müller GmbH, Straße 5", false},
		{"Xi'an № 12 → 40HQ · 24 350 kg", "Xi'an № 12 → 40HQ · 24 350 kg", false},
		{"Line 1\nLine 2", "Line 1\nLine 2", false},
		{"", "", false},
		{"阿拉山口", placeholder, true},
		{"襄阳（郜营铁路物流园 / 襄阳北编组站）", placeholder + " / " + placeholder, true},
		{"电子产品 electronics 电子", placeholder + " electronics " + placeholder, true},
		{"Hubei 湖北省 Xiangyang 襄阳市", "Hubei " + placeholder + " Xiangyang " + placeholder, true},
		{"box 📦 emoji", "box " + placeholder + " emoji", true}, // outside the BMP fpdf can index
		{"tab\there", "tab here", false},
	} {
		got, replaced := set.printable(c.in)
		if got != c.want || replaced != c.replaced {
			t.Errorf("printable(%q) = %q, %v; want %q, %v", c.in, got, replaced, c.want, c.replaced)
		}
	}
}

func TestCmapCoverage(t *testing.T) {
	set, err := glyphs()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "AZaz09ÄÖÜäöüßАЯаяЁё№–—…→·" {
		if !set.has(r) {
			t.Errorf("DejaVu Sans should draw %q (U+%04X)", r, r)
		}
	}
	for _, r := range "阿拉山口中国，。" {
		if set.has(r) {
			t.Errorf("DejaVu Sans has no CJK, yet %q (U+%04X) counts as drawable", r, r)
		}
	}
	if _, err := cmapCoverage([]byte("not a font")); err == nil {
		t.Error("cmapCoverage accepted garbage")
	}
	if _, err := cmapCoverage(fontBold); err != nil {
		t.Errorf("bold face: %v", err)
	}
}
