package ceb_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

func TestParseReceiptStream(t *testing.T) {
	doc604, _ := ceb.Marshal(fixtureCEB604())
	doc792, _ := ceb.Marshal(fixtureCEB792())
	broken := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ceb:CEB606Message guid=\"x\" xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\">\n<ceb:InvtCancelReturn>\n</ceb:CEB606Message>\n")
	var body bytes.Buffer
	body.WriteString("\ufeff")
	body.Write(doc604)
	body.WriteString("\r\n\r\n")
	body.Write(broken)
	body.Write(sample(t, "CEB606Message.xml")) // with its own BOM, straight after
	body.Write(doc792)
	brokenLine := 1 + bytes.Count(doc604, []byte("\n")) + 2

	res, err := ceb.ParseReceiptStream(body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Fatalf("got %d documents, want 4: %+v", len(res), res)
	}
	if res[0].Err != nil || res[0].Message != "CEB604Message" || len(res[0].Receipts) != 3 || res[0].Line != 1 {
		t.Errorf("doc 0: %+v", res[0])
	}
	var pe *ceb.ParseError
	if !asParseError(res[1].Err, &pe) || pe.Element != "InvtCancelReturn" || pe.Line != brokenLine+3 || res[1].Line != brokenLine {
		t.Errorf("doc 1: %+v / %v (want line %d)", res[1], res[1].Err, brokenLine+3)
	}
	if res[2].Err != nil || len(res[2].Receipts) != 10 || res[2].Receipts[0].InvtNo != "Invt20180507000001" {
		t.Errorf("doc 2: %+v", res[2])
	}
	if res[3].Err != nil || res[3].Message != "CEB792Message" || res[3].Receipts[0].EntryID != "470020240001234567" {
		t.Errorf("doc 3: %+v", res[3])
	}

	// A mandatory element missing in one document is reported with its line in the body.
	bad := strings.Replace(string(doc792), "<ceb:decState>L</ceb:decState>", "", 1)
	res, err = ceb.ParseReceiptStream([]byte(string(doc604) + bad))
	if err != nil {
		t.Fatal(err)
	}
	if !asParseError(res[1].Err, &pe) || pe.Element != "decState" || pe.Line != bytes.Count(doc604, []byte("\n"))+4 {
		t.Errorf("missing decState: %v", res[1].Err)
	}

	if _, err := ceb.ParseReceiptStream([]byte(" \n\ufeff ")); err == nil {
		t.Error("empty body accepted")
	}
	// Without XML declarations, well-formed documents are still split.
	docs := ceb.SplitDocuments([]byte(`<a/><b><c/></b>  <d></d>`))
	if len(docs) != 3 || string(docs[1].Data) != "<b><c/></b>" || docs[2].Offset != 17 {
		t.Errorf("split: %+v", docs)
	}
}

func TestStreamTruncatedThenGood(t *testing.T) {
	good, _ := ceb.Marshal(fixtureCEB606())
	trunc := good[:bytes.Index(good, []byte("<ceb:invtNo>"))] // cut inside InvtCancelReturn
	body := append(append([]byte{}, trunc...), good...)
	res, err := ceb.ParseReceiptStream(body)
	if err != nil {
		t.Fatal(err)
	}
	var pe *ceb.ParseError
	if len(res) != 2 || !asParseError(res[0].Err, &pe) || pe.Element != "InvtCancelReturn" || !strings.Contains(pe.Msg, "not closed") {
		t.Fatalf("got %+v (err %v)", res, res[0].Err)
	}
	if res[1].Err != nil || len(res[1].Receipts) != 1 || res[1].Receipts[0].InvtNo != "470020240000012345" ||
		res[1].Line != 1+bytes.Count(trunc, []byte("\n")) {
		t.Errorf("second document: %+v", res[1])
	}
}

// TestStreamLinearTime guards against re-reading the rest of the body for every broken
// document: these bodies took minutes before documents were cut at the next XML declaration.
func TestStreamLinearTime(t *testing.T) {
	// Linear work is measured by allocations, not by the clock: a split that let every
	// malformed document run on to the end of the body would make each of n documents parse
	// what follows it, and the allocations grow with n², sixteen-fold for four times the body.
	decl := "<?xml version=\"1.0\"?>\n"
	for name, unit := range map[string]struct{ head, repeat string }{
		"unclosed roots":   {"", decl + "<a>"},
		"declarations":     {"", decl},
		"unclosed comment": {"<a><!--", decl},
		"unclosed cdata":   {"<a><![CDATA[", decl + "<b>"},
		"bad entity":       {"", decl + "<a>&x;</a>"},
	} {
		allocs := map[int]float64{}
		for _, n := range []int{5000, 20000} {
			body := append([]byte(unit.head), bytes.Repeat([]byte(unit.repeat), n)...)
			var res []ceb.DocumentResult
			var err error
			allocs[n] = testing.AllocsPerRun(1, func() { res, err = ceb.ParseReceiptStream(body) })
			if err != nil || len(res) < n {
				t.Errorf("%s ×%d: %d results, err %v", name, n, len(res), err)
			}
		}
		if allocs[20000] > 6*allocs[5000] {
			t.Errorf("%s: %.0f allocations for 5,000 documents but %.0f for 20,000: the work grows faster than the body", name, allocs[5000], allocs[20000])
		}
	}
}
