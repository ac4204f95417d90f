package ceb_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

// TestBuildersValidateAgainstSchema marshals every builder and validates the output with
// xmllint against the official 2022-05 schema.
func TestBuildersValidateAgainstSchema(t *testing.T) {
	t.Parallel() // xmllint runs as a process of its own
	schema := schema2022(t)
	for _, b := range builders() {
		if !b.schema {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			doc, err := ceb.Marshal(b.build())
			if err != nil {
				t.Fatal(err)
			}
			validateBytes(t, schema, doc)
		})
	}
}

// TestGolden compares builder output with testdata/<name>.golden.xml; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, b := range builders() {
		t.Run(b.name, func(t *testing.T) {
			got, err := ceb.Marshal(b.build())
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", b.name+".golden.xml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run with -update if the change is intended)\n--- got ---\n%s", path, got)
			}
		})
	}
}

// TestGoldenFilesValidate keeps the checked-in golden files honest on their own.
func TestGoldenFilesValidate(t *testing.T) {
	t.Parallel() // xmllint runs as a process of its own
	schema := schema2022(t)
	for _, b := range builders() {
		if !b.schema {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			if out, ok := xmllint(t, schema, filepath.Join("testdata", b.name+".golden.xml")); !ok {
				t.Fatal(out)
			}
		})
	}
}

func TestMarshalShape(t *testing.T) {
	doc, err := ceb.Marshal(fixtureCEB603())
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	if !strings.HasPrefix(s, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<ceb:CEB603Message guid="`+guidMsg603+`" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">`) {
		t.Errorf("unexpected start:\n%s", s[:200])
	}
	if bytes.HasPrefix(doc, []byte("\xef\xbb\xbf")) {
		t.Error("output starts with a byte-order mark")
	}
	// Optional elements with no value are left out, never sent empty.
	for _, absent := range []string{"<ceb:preNo", "<ceb:invtNo", "<ceb:licenseNo", "<ceb:totalPackageNo", "Signature", "></ceb:"} {
		if absent == "></ceb:" {
			if strings.Contains(s, "<ceb:note></ceb:note>") || strings.Contains(s, "<ceb:iacCode></ceb:iacCode>") {
				t.Errorf("an empty optional element was written")
			}
			continue
		}
		if strings.Contains(s, absent) {
			t.Errorf("output contains %q", absent)
		}
	}
	// 1210 carries iacCode/emsNo/itemRecordNo; 9610 does not.
	if n := strings.Count(s, "<ceb:iacCode>"); n != 1 {
		t.Errorf("iacCode written %d times, want 1", n)
	}
	if n := strings.Count(s, "<ceb:itemRecordNo>"); n != 2 {
		t.Errorf("itemRecordNo written %d times, want 2", n)
	}
	// Marshal does not change its argument and fills the defaults.
	m := fixtureCEB505()
	m.Version = ""
	m.BaseTransfer.DxpMode = ""
	doc, err = ceb.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "" || m.BaseTransfer.DxpMode != "" {
		t.Error("Marshal changed its argument")
	}
	if !bytes.Contains(doc, []byte(`version="1.0"`)) || !bytes.Contains(doc, []byte("<ceb:dxpMode>DXP</ceb:dxpMode>")) {
		t.Errorf("defaults not written:\n%s", doc)
	}
}

// roundTrip clears the root XMLName, which Unmarshal fills and builders leave empty.
func clearXMLName(m any) {
	v := reflect.ValueOf(m).Elem()
	if f := v.FieldByName("XMLName"); f.IsValid() {
		f.Set(reflect.ValueOf(xml.Name{}))
	}
}

func TestRoundTripDeclarations(t *testing.T) {
	check := func(t *testing.T, want ceb.Message, parse func([]byte) (ceb.Message, error)) {
		t.Helper()
		doc, err := ceb.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		clearXMLName(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip differs\n got: %+v\nwant: %+v", got, want)
		}
		generic, err := ceb.ParseMessage(doc)
		if err != nil {
			t.Fatal(err)
		}
		clearXMLName(generic)
		if !reflect.DeepEqual(generic, want) {
			t.Errorf("ParseMessage differs")
		}
	}
	t.Run("CEB303", func(t *testing.T) {
		check(t, fixtureCEB303(), func(b []byte) (ceb.Message, error) { return ceb.ParseCEB303(b) })
	})
	t.Run("CEB505", func(t *testing.T) {
		check(t, fixtureCEB505(), func(b []byte) (ceb.Message, error) { return ceb.ParseCEB505(b) })
	})
	t.Run("CEB509", func(t *testing.T) {
		check(t, fixtureCEB509(), func(b []byte) (ceb.Message, error) { return ceb.ParseCEB509(b) })
	})
	t.Run("CEB603", func(t *testing.T) {
		check(t, fixtureCEB603(), func(b []byte) (ceb.Message, error) { return ceb.ParseCEB603(b) })
	})
	t.Run("CEB605", func(t *testing.T) {
		check(t, fixtureCEB605(), func(b []byte) (ceb.Message, error) { return ceb.ParseCEB605(b) })
	})
	t.Run("CEB701", func(t *testing.T) {
		check(t, fixtureCEB701(), func(b []byte) (ceb.Message, error) { return ceb.ParseCEB701(b) })
	})
	t.Run("DecMessage", func(t *testing.T) {
		check(t, fixtureDec(), func(b []byte) (ceb.Message, error) { return ceb.ParseDecMessage(b) })
	})
}

func TestRoundTripReceipts(t *testing.T) {
	for _, b := range builders() {
		want, ok := b.build().(ceb.ReceiptMessage)
		if !ok {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			doc, err := ceb.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ceb.ParseReceiptMessage(doc)
			if err != nil {
				t.Fatal(err)
			}
			clearXMLName(got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("typed round trip differs\n got: %+v\nwant: %+v", got, want)
			}
			rs, err := ceb.ParseReceipts(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rs, want.Receipts()) {
				t.Errorf("ParseReceipts differs from Receipts()\n got: %+v\nwant: %+v", rs, want.Receipts())
			}
		})
	}
}

func TestReceiptsOfBuiltMessages(t *testing.T) {
	rs := fixtureCEB604().Receipts()
	if len(rs) != 3 {
		t.Fatalf("got %d receipts, want 3", len(rs))
	}
	r := rs[1]
	if r.Message != "CEB604" || r.Block != 2 || r.GUID != guidInv9610 || r.ReturnStatus != "800" ||
		!r.ReturnTime.Equal(tReleased) || r.InvtNo != "470020240000012345" || r.PreNo != "B20240615000000123" ||
		r.CopNo != "XYQD240615000001" || r.AgentCode != agtCode || r.EbcCode != ebcCode || r.EbpCode != ebpCode ||
		r.OrderNo != "XYKJ20240615000001" || r.StatisticsFlag != "B" || r.ReturnInfo != "放行" {
		t.Errorf("unexpected receipt %+v", r)
	}
	if rs[2].InvtNo != "" || rs[2].ReturnStatus != "100" {
		t.Errorf("rejected list: %+v", rs[2])
	}
	s := fixtureCEB792().Receipts()[0]
	if s.EntryID != "470020240001234567" || s.DecState != "L" || s.SumNo != "470020240000000088" ||
		s.GrossWeight != "15.85" || s.NetWeight != "14.7" || len(s.Lines) != 3 || s.ReturnStatus != "" ||
		!reflect.DeepEqual(s.InvtNos(), []string{"470020240000012345", "470020240000012346"}) {
		t.Errorf("unexpected CEB792 receipt %+v", s)
	}
	e := fixtureCEB900().Receipts()[0]
	if e.Message != "CEB900" || e.GUID != guidMsg603 || e.ReturnStatus != "-301010" || e.OriMessageType != "CEB603Message" {
		t.Errorf("unexpected CEB900 receipt %+v", e)
	}
}
