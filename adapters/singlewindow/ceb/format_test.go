package ceb_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

func TestFormats(t *testing.T) {
	utc := time.Date(2024, 6, 30, 17, 4, 5, 678_900_000, time.UTC) // 01:04:05.678 next day in China
	if got := ceb.FormatAppTime(utc); got != "20240701010405" {
		t.Errorf("FormatAppTime = %s", got)
	}
	if got := ceb.FormatReturnTime(utc); got != "20240701010405678" {
		t.Errorf("FormatReturnTime = %s", got)
	}
	if got := ceb.FormatDate(utc); got != "20240701" {
		t.Errorf("FormatDate = %s", got)
	}
	rt, err := ceb.ParseReturnTime("20240701010405678")
	if err != nil || !rt.Equal(utc.Truncate(time.Millisecond)) || rt.Location() != ceb.China {
		t.Errorf("ParseReturnTime = %v, %v", rt, err)
	}
	rt, err = ceb.ParseReturnTime("20240701010405")
	if err != nil || !rt.Equal(utc.Truncate(time.Second)) {
		t.Errorf("ParseReturnTime(14) = %v, %v", rt, err)
	}
	for _, bad := range []string{"", "2024070101040", "202407010104056789", "2024070101040x678", "20241301010405678", "20240701250405678"} {
		if _, err := ceb.ParseReturnTime(bad); err == nil {
			t.Errorf("ParseReturnTime(%q) accepted", bad)
		}
	}
	at, err := ceb.ParseAppTime("20240701010405")
	if err != nil || !at.Equal(utc.Truncate(time.Second)) {
		t.Errorf("ParseAppTime = %v, %v", at, err)
	}
	d, err := ceb.ParseDate("20240701")
	if err != nil || !d.Equal(time.Date(2024, 7, 1, 0, 0, 0, 0, ceb.China)) {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	if _, err := ceb.ParseDate("2024-7-1"); err == nil {
		t.Error("ParseDate accepted 2024-7-1")
	}
}

func TestNewGUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		g := ceb.NewGUID()
		if !re.MatchString(g) || seen[g] {
			t.Fatalf("bad or repeated guid %q", g)
		}
		seen[g] = true
	}
}

func TestDecimalFacets(t *testing.T) {
	for d, ok := range map[ceb.Decimal]bool{
		"0": true, "12.5": true, "-3.25": true, "12345678912345.12345": true, "0.00001": true, "100.50000": true,
		"1234567890123456789": true, "12345678901234567890": false, "0.000001": false, "1e3": false, "+1": false,
		".5": false, "5.": false, "": false, "1,5": false, " 1": false,
	} {
		m := fixtureCEB505()
		m.Logistics[0].Freight = d
		_, err := ceb.Marshal(m)
		if (err == nil) != ok {
			t.Errorf("freight %q: err = %v, want ok=%v", d, err, ok)
		}
	}
}
