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
		{"阿拉山口", "阿拉山口", false},
		{"襄阳（郜营铁路物流园 / 襄阳北编组站）", "襄阳（郜营铁路物流园 / 襄阳北编组站）", false},
		{"电子产品 electronics 电子", "电子产品 electronics 电子", false},
		{"Hubei 湖北省 Xiangyang 襄阳市", "Hubei 湖北省 Xiangyang 襄阳市", false},
		// What neither font draws: a hanzi outside GB 2312, an emoji outside the BMP fpdf indexes.
		{"龘 dragon", placeholder + " dragon", true},
		{"box 📦 emoji", "box " + placeholder + " emoji", true},
		{"tab\there", "tab here", false},
	} {
		got, replaced := printable(set, c.in)
		if got != c.want || replaced != c.replaced {
			t.Errorf("printable(%q) = %q, %v; want %q, %v", c.in, got, replaced, c.want, c.replaced)
		}
	}
}
