package ceb_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

func asParseError(err error, pe **ceb.ParseError) bool { return errors.As(err, pe) }

// receipt604 is a small CEB604 whose lines are easy to count; block opens on line 3.
func receipt604(block string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB604Message guid="11111111-2222-4333-8444-555555555506" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
	<ceb:InventoryReturn>
` + block + `
	</ceb:InventoryReturn>
</ceb:CEB604Message>
`
}

const fullBlock = `		<ceb:guid>A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D</ceb:guid>
		<ceb:agentCode>4206380015</ceb:agentCode>
		<ceb:copNo>XYQD240615000001</ceb:copNo>
		<ceb:preNo>B20240615000000123</ceb:preNo>
		<ceb:invtNo>470020240000012345</ceb:invtNo>
		<ceb:ebcCode>4206364A12</ceb:ebcCode>
		<ceb:ebpCode>4206364001</ceb:ebpCode>
		<ceb:orderNo>XYKJ20240615000001</ceb:orderNo>
		<ceb:statisticsFlag>B</ceb:statisticsFlag>
		<ceb:returnStatus>120</ceb:returnStatus>
		<ceb:returnTime>20240615103107123</ceb:returnTime>
		<ceb:returnInfo>入库</ceb:returnInfo>`

func TestParseReceiptsErrors(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		element string
		line    int
		msg     string
	}{
		{"mismatched end tag", receipt604(strings.Replace(fullBlock, "</ceb:copNo>", "</ceb:copNO>", 1)),
			"copNo", 6, "malformed XML"},
		{"unclosed document", receipt604(fullBlock)[:strings.Index(receipt604(fullBlock), "B2024")], "preNo", 7, "malformed XML"},
		{"missing returnStatus", receipt604(strings.Replace(fullBlock, "<ceb:returnStatus>120</ceb:returnStatus>", "", 1)),
			"returnStatus", 3, "missing mandatory element"},
		{"empty returnStatus", receipt604(strings.Replace(fullBlock, "<ceb:returnStatus>120</ceb:returnStatus>", "<ceb:returnStatus/>", 1)),
			"returnStatus", 13, "mandatory element is empty"},
		{"missing returnTime", receipt604(strings.Replace(fullBlock, "<ceb:returnTime>20240615103107123</ceb:returnTime>", "", 1)),
			"returnTime", 3, "missing mandatory element"},
		{"missing guid", receipt604(strings.Replace(fullBlock, "<ceb:guid>A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D</ceb:guid>", "", 1)),
			"guid", 3, "missing mandatory element"},
		{"bad returnTime", receipt604(strings.Replace(fullBlock, "20240615103107123", "2024-06-15 10:31", 1)),
			"returnTime", 14, "17 digits"},
		{"impossible date", receipt604(strings.Replace(fullBlock, "20240615103107123", "20240230103107123", 1)),
			"returnTime", 14, "bad timestamp"},
		{"root guid missing", strings.Replace(receipt604(fullBlock), ` guid="11111111-2222-4333-8444-555555555506"`, "", 1),
			"@guid", 2, "attribute guid: missing or empty"},
		{"no block", `<ceb:CEB604Message guid="11111111-2222-4333-8444-555555555506" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>`,
			"InventoryReturn", 1, "missing mandatory element"},
		{"unknown root", `<?xml version="1.0"?>
<ceb:CEB999Message guid="x" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>`, "CEB999Message", 2, "unknown root element"},
		{"declaration instead of receipt", `<ceb:CEB603Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>`,
			"CEB603Message", 1, "is not a receipt message"},
		{"no namespace", strings.ReplaceAll(strings.ReplaceAll(receipt604(fullBlock), "ceb:", ""), ` xmlns="http://www.chinaport.gov.cn/ceb"`, ""),
			"CEB604Message", 2, "want \"http://www.chinaport.gov.cn/ceb\""},
		{"child in another namespace", receipt604(strings.Replace(fullBlock, "<ceb:copNo>XYQD240615000001</ceb:copNo>", `<x:copNo xmlns:x="urn:x">XYQD240615000001</x:copNo>`, 1)),
			"copNo", 6, "namespace"},
		{"bad integer", strings.Replace(sample604Departure, "<ceb:msgSeqNo>1</ceb:msgSeqNo>", "<ceb:msgSeqNo>one</ceb:msgSeqNo>", 1),
			"msgSeqNo", 7, "want an integer"},
		{"two documents", receipt604(fullBlock) + receipt604(fullBlock), "", 18, "second XML declaration"},
		{"two declarations", `<?xml version="1.0"?>` + "\n" + receipt604(fullBlock), "", 2, "second XML declaration"},
		{"two roots", receipt604(fullBlock) + `<ceb:CEB604Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>`, "CEB604Message", 18, "second root element"},
		{"text outside root", receipt604(fullBlock) + "garbage", "", 18, "outside the root element"},
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]>` + receipt604(fullBlock), "", 1, "DOCTYPE"},
		{"undefined entity", receipt604(strings.Replace(fullBlock, "入库", "&bogus;", 1)), "returnInfo", 15, "malformed XML"},
		{"GBK declared", strings.Replace(receipt604(fullBlock), "UTF-8", "GBK", 1), "", 1, "GBK"},
		{"invalid UTF-8", receipt604(strings.Replace(fullBlock, "入库", "\xff\xfe", 1)), "returnInfo", 15, "UTF-8"},
		{"empty", "", "", 1, "empty document"},
		{"only spaces", " \n\t", "", 1, "empty document"},
		{"too long", receipt604(strings.Replace(fullBlock, "XYQD240615000001", strings.Repeat("9", 31), 1)),
			"copNo", 6, "at most 30 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ceb.ParseReceipts([]byte(c.doc))
			var pe *ceb.ParseError
			if !asParseError(err, &pe) {
				t.Fatalf("want *ParseError, got %T %v", err, err)
			}
			if pe.Element != c.element || pe.Line != c.line || !strings.Contains(pe.Msg, c.msg) {
				t.Errorf("got Element=%q Line=%d Msg=%q; want %q, line %d, containing %q", pe.Element, pe.Line, pe.Msg, c.element, c.line, c.msg)
			}
			if c.element != "" && !strings.Contains(pe.Error(), c.element) {
				t.Errorf("Error() does not name the element: %s", pe.Error())
			}
		})
	}
}

const sample604Departure = `<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB510Message guid="11111111-2222-4333-8444-555555555505" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
	<ceb:DepartureReturn>
		<ceb:guid>E2F3A4B5-C6D7-4E8F-9A0B-1C2D3E4F5A6C</ceb:guid>
		<ceb:logisticsCode>4206364L03</ceb:logisticsCode>
		<ceb:copNo>LK2406170001</ceb:copNo><ceb:preNo>B20240617000000789</ceb:preNo>
		<ceb:msgSeqNo>1</ceb:msgSeqNo>
		<ceb:returnStatus>399</ceb:returnStatus>
		<ceb:returnTime>20240617214130000</ceb:returnTime>
		<ceb:returnInfo>审结</ceb:returnInfo>
	</ceb:DepartureReturn>
</ceb:CEB510Message>`

func TestParseReceiptsTolerances(t *testing.T) {
	// 14-digit returnTime, default namespace instead of the ceb: prefix, a BOM, an unknown
	// child element, a signature: all accepted.
	doc := "\ufeff" + strings.NewReplacer("ceb:", "", "xmlns:ceb=", "xmlns=").Replace(receipt604(strings.Replace(
		strings.Replace(fullBlock, "20240615103107123", "20240615103107", 1),
		"<ceb:returnInfo>", `<ceb:futureElement a="1">x</ceb:futureElement><ceb:returnInfo>`, 1)))
	doc = strings.Replace(doc, "</CEB604Message>", `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><anything/></ds:SignedInfo></ds:Signature></CEB604Message>`, 1)
	rs, err := ceb.ParseReceipts([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !rs[0].ReturnTime.Equal(time.Date(2024, 6, 15, 10, 31, 7, 0, ceb.China)) || rs[0].InvtNo != "470020240000012345" {
		t.Fatalf("got %+v", rs)
	}
	m, err := ceb.ParseReceiptMessage([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*ceb.CEB604Message).InventoryReturns[0].ReturnTime; got != "20240615103107000" {
		t.Errorf("14-digit returnTime normalized to %q", got)
	}
}

func TestParseMessage(t *testing.T) {
	m, err := ceb.ParseMessage([]byte(receipt604(strings.Replace(fullBlock, "<ceb:returnStatus>120</ceb:returnStatus>", "", 1))))
	if m != nil || err == nil {
		t.Errorf("bad receipt: got %v, %v", m, err)
	}
	m, err = ceb.ParseMessage([]byte(receipt604(fullBlock)))
	if _, ok := m.(*ceb.CEB604Message); !ok || err != nil {
		t.Errorf("good receipt: got %T, %v", m, err)
	}
}

func TestParseDeclarationErrors(t *testing.T) {
	_, err := ceb.ParseCEB603(sample(t, "CEB604Message.xml"))
	var pe *ceb.ParseError
	if !asParseError(err, &pe) || pe.Element != "CEB604Message" || !strings.Contains(pe.Msg, "<CEB603Message>") {
		t.Errorf("ParseCEB603(CEB604) = %v", err)
	}
	bad := strings.Replace(string(sample(t, "CEB603Message.xml")), "<ceb:packNo>9</ceb:packNo>", "<ceb:packNo>9.5</ceb:packNo>", 1)
	_, err = ceb.ParseCEB603([]byte(bad))
	if !asParseError(err, &pe) || pe.Element != "packNo" || pe.Line != 47 || pe.Path != "CEB603Message/Inventory[1]/InventoryHead[1]/packNo[1]" {
		t.Errorf("bad packNo: %v (%+v)", err, pe)
	}
}

func TestMarshalValidation(t *testing.T) {
	fieldErrs := func(t *testing.T, m ceb.Message) map[string]string {
		t.Helper()
		_, err := ceb.Marshal(m)
		var ve *ceb.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("want *ValidationError, got %v", err)
		}
		out := map[string]string{}
		for _, f := range ve.Fields {
			out[f.Path] = f.Msg
		}
		return out
	}
	t.Run("bonded trade mode needs iac, ems and item records", func(t *testing.T) {
		m := fixtureCEB603()
		m.Inventories[1].Head.EmsNo = ""
		m.Inventories[1].Lists[1].ItemRecordNo = ""
		errs := fieldErrs(t, m)
		if len(errs) != 2 || errs["CEB603Message/Inventory[2]/InventoryHead/emsNo"] == "" ||
			errs["CEB603Message/Inventory[2]/InventoryList[2]/itemRecordNo"] == "" {
			t.Errorf("got %v", errs)
		}
	})
	t.Run("schema facets", func(t *testing.T) {
		m := fixtureCEB603()
		h := &m.Inventories[0].Head
		h.LogisticsNo = strings.Repeat("X", 33) // 32 since 2022-05
		h.GUID = strings.ToLower(h.GUID)
		h.CustomsCode = "47"
		h.AppTime = "2024-06-15"
		h.FFlag = "1"
		h.OwnerName = "  "
		h.PreNo = "B2024"
		m.Inventories[0].Lists[0].GCode = "870830"
		m.Inventories[0].Lists[0].Qty = "1.123456"
		m.Inventories[0].Lists[1].TotalPrice = "1e3"
		m.Inventories[0].Lists[2].GNum = 4
		m.Inventories[0].Lists[2].GName = "玩具\x00"
		errs := fieldErrs(t, m)
		p := "CEB603Message/Inventory[1]/"
		for _, path := range []string{p + "InventoryHead/logisticsNo", p + "InventoryHead/guid", p + "InventoryHead/customsCode",
			p + "InventoryHead/appTime", p + "InventoryHead/fFlag", p + "InventoryHead/ownerName", p + "InventoryHead/preNo",
			p + "InventoryList[1]/gcode", p + "InventoryList[1]/qty", p + "InventoryList[2]/totalPrice", p + "InventoryList[3]/gnum",
			p + "InventoryList[3]/gname"} {
			if errs[path] == "" {
				t.Errorf("no error for %s (got %v)", path, errs)
			}
		}
		if len(errs) != 12 {
			t.Errorf("got %d errors, want 12: %v", len(errs), errs)
		}
	})
	t.Run("cardinality", func(t *testing.T) {
		m := fixtureCEB603()
		m.Inventories[0].Lists = nil
		for i := 0; i < 101; i++ {
			m.Inventories[1].Lists = append(m.Inventories[1].Lists, m.Inventories[1].Lists[0])
		}
		errs := fieldErrs(t, m)
		if errs["CEB603Message/Inventory[1]/InventoryList"] != "missing mandatory element" ||
			!strings.Contains(errs["CEB603Message/Inventory[2]/InventoryList"], "at most 100") {
			t.Errorf("got %v", errs)
		}
	})
	t.Run("summary range", func(t *testing.T) {
		m := fixtureCEB701()
		m.SummaryApplies[0].Lists = nil
		errs := fieldErrs(t, m)
		if errs["CEB701Message/SummaryApply[1]/SummaryApplyList"] == "" {
			t.Errorf("got %v", errs)
		}
		m.SummaryApplies[0].Head.StartTime = "20240601000000"
		m.SummaryApplies[0].Head.EndTime = "20240630235959"
		doc, err := ceb.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		validateBytes(t, schema2022(t), doc) // 0 SummaryApplyList is valid since 2022-05
	})
	t.Run("nil", func(t *testing.T) {
		if _, err := ceb.Marshal(nil); err == nil {
			t.Error("Marshal(nil) succeeded")
		}
		var m *ceb.CEB603Message
		if _, err := ceb.Marshal(m); err == nil {
			t.Error("Marshal(typed nil) succeeded")
		}
	})
	t.Run("dec", func(t *testing.T) {
		m := fixtureDec()
		m.DecLists.DecList[1].GNo = 3
		m.DecSign.OperType = "X"
		m.DecHead.CustomMaster = ""
		errs := fieldErrs(t, m)
		if len(errs) != 3 || errs["DecMessage/DecLists/DecList[2]/GNo"] == "" || errs["DecMessage/DecSign/OperType"] == "" ||
			errs["DecMessage/DecHead/CustomMaster"] == "" {
			t.Errorf("got %v", errs)
		}
	})
}

func TestEscaping(t *testing.T) {
	m := fixtureCEB605()
	m.InvtCancels[0].Reason = `买家取消 <订单> & "重复" 'x'`
	doc, err := ceb.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	validateBytes(t, schema2022(t), doc)
	back, err := ceb.ParseCEB605(doc)
	if err != nil {
		t.Fatal(err)
	}
	if back.InvtCancels[0].Reason != m.InvtCancels[0].Reason {
		t.Errorf("got %q", back.InvtCancels[0].Reason)
	}
}
