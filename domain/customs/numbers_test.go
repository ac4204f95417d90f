package customs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

func TestCheckGUID(t *testing.T) {
	for _, g := range []string{guid1, guid2, "00000000-0000-0000-0000-000000000000", "ABCDEF01-2345-6789-ABCD-EF0123456789"} {
		if err := customs.CheckGUID(g); err != nil {
			t.Errorf("CheckGUID(%q) = %v", g, err)
		}
	}
	for _, g := range []string{
		"", strings.ToLower(guid1), guid1[:35], guid1 + "0", "4CDE1CFD_EDED-46B1-946C-B8022E42FC94",
		"4CDE1CFDEDED-46B1-946C-B8022E42FC94-", "GCDE1CFD-EDED-46B1-946C-B8022E42FC94",
		"311af125-6fed-4603-8c5d-49b1fa4b4b9b", // the official samples' root attribute: lower case
		"123ENT97-2B80-4568-AECF-CB6C90530012", // ... and a sample's head guid: not hexadecimal
		" 4CDE1CFD-EDED-46B1-946C-B8022E42FC9",
	} {
		err := customs.CheckGUID(g)
		if domain.CodeOf(err) != "invalid_guid" || domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("CheckGUID(%q) = %v", g, err)
		}
	}
}

func TestFormatCopNo(t *testing.T) {
	utc := time.Date(2026, 11, 3, 1, 2, 3, 0, time.UTC) // 09:02:03 in China
	cases := []struct {
		prefix, node string
		seq          uint64
		want         string
	}{
		{"SG", "00", 1, "SG20261103090203000001"},
		{" sg ", "0A", 42, "SG202611030902030A0042"},
		{"SILKGATE01", "ZZ", 1234, "SILKGATE0120261103090203ZZ1234"}, // exactly 30
		{"X", "01", 0, "X20261103090203010000"},
		{"SG", "01", 123456789, "SG2026110309020301123456789"},
	}
	for _, c := range cases {
		got, err := customs.FormatCopNo(c.prefix, utc, c.node, c.seq)
		if err != nil || got != c.want {
			t.Errorf("FormatCopNo(%q, %q, %d) = %q, %v; want %q", c.prefix, c.node, c.seq, got, err, c.want)
			continue
		}
		if err := customs.CheckCopNo(got); err != nil {
			t.Errorf("CheckCopNo(%q) = %v", got, err)
		}
		again, _ := customs.FormatCopNo(c.prefix, utc, c.node, c.seq)
		if again != got {
			t.Errorf("FormatCopNo is not deterministic: %q, %q", got, again)
		}
	}
	for _, c := range []struct {
		prefix, node string
		seq          uint64
		code         string
	}{
		{"", "00", 1, "invalid_prefix"}, {"S-G", "00", 1, "invalid_prefix"}, {"SILKGATE012", "00", 1, "invalid_prefix"},
		{"中文", "00", 1, "invalid_prefix"}, {"SILKGATE01", "00", 12345, "too_long"}, {"SG", "00", 1<<63 + 5, "too_long"},
		{"SG", "", 1, "invalid_node"}, {"SG", "0", 1, "invalid_node"}, {"SG", "0a", 1, "invalid_node"}, {"SG", "0-", 1, "invalid_node"},
	} {
		_, err := customs.FormatCopNo(c.prefix, utc, c.node, c.seq)
		if string(domain.CodeOf(err)) != c.code {
			t.Errorf("FormatCopNo(%q, %q, %d) error %v, want %s", c.prefix, c.node, c.seq, err, c.code)
		}
	}
}

func TestCopNoNode(t *testing.T) {
	seen := map[string]bool{}
	for n := uint64(0); n < 36*36; n++ {
		node := customs.CopNoNode(n)
		if len(node) != customs.CopNoNodeLength || seen[node] {
			t.Fatalf("CopNoNode(%d) = %q (seen before: %v)", n, node, seen[node])
		}
		seen[node] = true
	}
	if customs.CopNoNode(36*36) != customs.CopNoNode(0) || customs.CopNoNode(37) != "11" {
		t.Errorf("CopNoNode wraps at 1,296: %q %q", customs.CopNoNode(36*36), customs.CopNoNode(37))
	}
}

func TestCheckCopNo(t *testing.T) {
	for _, s := range []string{"Cop20180507001", "C201805080001", "a", "A-B_C", strings.Repeat("9", 30)} {
		if err := customs.CheckCopNo(s); err != nil {
			t.Errorf("CheckCopNo(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", strings.Repeat("9", 31), "A B", "订单1", "--", "A/B"} {
		if domain.CodeOf(customs.CheckCopNo(s)) != "invalid_cop_no" {
			t.Errorf("CheckCopNo(%q) accepted", s)
		}
	}
}

func TestPreNo(t *testing.T) {
	day := time.Date(2026, 11, 2, 17, 0, 0, 0, time.UTC) // already the 3rd in China
	got, err := customs.FormatPreNo(day, 1)
	if err != nil || got != "B20261103000000001" {
		t.Fatalf("FormatPreNo = %q, %v", got, err)
	}
	if got, _ := customs.FormatPreNo(day, 999_999_999); got != "B20261103999999999" {
		t.Errorf("FormatPreNo max = %q", got)
	}
	for _, s := range []int64{-1, 1_000_000_000} {
		if _, err := customs.FormatPreNo(day, s); domain.CodeOf(err) != "out_of_range" {
			t.Errorf("FormatPreNo(serial %d) error %v", s, err)
		}
	}
	for _, s := range []string{"B20261103000000001", "B20201208796651782", "B20240229123456789"} {
		if err := customs.CheckPreNo(s); err != nil {
			t.Errorf("CheckPreNo(%q) = %v", s, err)
		}
	}
	for _, s := range []string{
		"", "P20180507000000001", "b20261103000000001", "B2026110300000001", "B202611030000000011",
		"B20261332000000001", "B20230229000000001", "B2026110300000000A", "B2026-1103000000001"[:18],
	} {
		if domain.CodeOf(customs.CheckPreNo(s)) != "invalid_pre_no" {
			t.Errorf("CheckPreNo(%q) accepted", s)
		}
	}
}

func TestEntryID(t *testing.T) {
	cases := []struct {
		district string
		year     int
		export   bool
		serial   int64
		want     string
	}{
		{"4700", 2026, true, 123, "470020260000000123"},
		{"4700", 2026, false, 999_999_999, "470020261999999999"},
		{"0100", 2024, true, 0, "010020240000000000"},
	}
	for _, c := range cases {
		got, err := customs.FormatEntryID(c.district, c.year, c.export, c.serial)
		if err != nil || got != c.want {
			t.Errorf("FormatEntryID(%q, %d, %v, %d) = %q, %v; want %q", c.district, c.year, c.export, c.serial, got, err, c.want)
		}
		if err := customs.CheckEntryID(got); err != nil {
			t.Errorf("CheckEntryID(%q) = %v", got, err)
		}
	}
	bad := []struct {
		district string
		year     int
		serial   int64
		fields   []string
	}{
		{"470", 2026, 1, []string{"district"}},
		{"47A0", 2026, 1, []string{"district"}},
		{"4700", 999, 1, []string{"year"}},
		{"4700", 10000, 1, []string{"year"}},
		{"4700", 2026, -1, []string{"serial"}},
		{"4700", 2026, 1_000_000_000, []string{"serial"}},
		{"", 0, -5, []string{"district", "year", "serial"}},
	}
	for _, b := range bad {
		_, err := customs.FormatEntryID(b.district, b.year, true, b.serial)
		var got []string
		for _, fc := range fieldCodes(err) {
			got = append(got, fc.field)
		}
		if strings.Join(got, ",") != strings.Join(b.fields, ",") {
			t.Errorf("FormatEntryID(%q, %d, %d) fields %v, want %v (%v)", b.district, b.year, b.serial, got, b.fields, err)
		}
	}
	for _, s := range []string{"", "47002026000000012", "4700202600000001234", "470020262000000123",
		"47002026E000000123", "4700202600000012A"} {
		if domain.CodeOf(customs.CheckEntryID(s)) != "invalid_entry_id" {
			t.Errorf("CheckEntryID(%q) accepted", s)
		}
	}
}

func TestInvtNo(t *testing.T) {
	got, err := customs.FormatInvtNo("4700", 2026, 123456)
	if err != nil || got != "47002026E000123456" {
		t.Fatalf("FormatInvtNo = %q, %v", got, err)
	}
	if _, err := customs.FormatInvtNo("47", 2026, 1); domain.CodeOf(err) != "invalid_customs_district" {
		t.Errorf("FormatInvtNo bad district: %v", err)
	}
	// A real import list number published in public code, export, and the 0/1 reading.
	for _, s := range []string{"49212020I046118061", "47002026E000123456", "470020260000123456", "470020261000123456"} {
		if err := customs.CheckInvtNo(s); err != nil {
			t.Errorf("CheckInvtNo(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "Invt20180507000001", "47002026X000123456", "4700202E0000123456",
		"47002026E00012345", "47002026E0001234567", "47002026e000123456"} {
		if domain.CodeOf(customs.CheckInvtNo(s)) != "invalid_invt_no" {
			t.Errorf("CheckInvtNo(%q) accepted", s)
		}
	}
}

func TestCheckDistrict(t *testing.T) {
	for _, s := range []string{"4700", "0100", "9999"} {
		if err := customs.CheckDistrict(s); err != nil {
			t.Errorf("CheckDistrict(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "470", "47000", "47A0", " 470"} {
		if domain.CodeOf(customs.CheckDistrict(s)) != "invalid_customs_district" {
			t.Errorf("CheckDistrict(%q) accepted", s)
		}
	}
}

func TestReturnTime(t *testing.T) {
	got, err := customs.ParseReturnTime("20180507153001001")
	want := time.Date(2018, 5, 7, 15, 30, 1, int(time.Millisecond), cst)
	if err != nil || !got.Equal(want) {
		t.Fatalf("ParseReturnTime = %v, %v; want %v", got, err, want)
	}
	if s := customs.FormatReturnTime(want.UTC()); s != "20180507153001001" {
		t.Errorf("FormatReturnTime = %q", s)
	}
	if s := customs.FormatReturnTime(time.Date(2026, 12, 31, 16, 0, 0, 999_999_999, time.UTC)); s != "20270101000000999" {
		t.Errorf("FormatReturnTime across midnight = %q", s)
	}
	for _, s := range []string{"", "2018050715300100", "201805071530010011", "20180507153001AAA", "20181307153001001", "20180507256001001"} {
		if _, err := customs.ParseReturnTime(s); domain.CodeOf(err) != "invalid_return_time" {
			t.Errorf("ParseReturnTime(%q) error %v", s, err)
		}
	}
}
