package ceb_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

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
	decl := "<?xml version=\"1.0\"?>\n"
	for name, body := range map[string][]byte{
		"unclosed roots":   bytes.Repeat([]byte(decl+"<a>"), 20000),
		"declarations":     bytes.Repeat([]byte(decl), 20000),
		"unclosed comment": append([]byte("<a><!--"), bytes.Repeat([]byte(decl), 20000)...),
		"unclosed cdata":   append([]byte("<a><![CDATA["), bytes.Repeat([]byte(decl+"<b>"), 20000)...),
		"bad entity":       bytes.Repeat([]byte(decl+"<a>&x;</a>"), 20000),
	} {
		start := time.Now()
		res, err := ceb.ParseReceiptStream(body)
		if took := time.Since(start); err != nil || len(res) < 20000 || took > 15*time.Second {
			t.Errorf("%s: %d results, err %v, took %v", name, len(res), err, took)
		}
	}
}
