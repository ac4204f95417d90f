package ceb_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

// FuzzParseReceipts: the receipt parser never panics, and anything it accepts is written again
// by Marshal and reads back to the same receipts.
//
//	go test -fuzz=FuzzParseReceipts -fuzztime=30s ./adapters/singlewindow/ceb/
func FuzzParseReceipts(f *testing.F) {
	for _, msg := range []string{"CEB304", "CEB404", "CEB506", "CEB508", "CEB510", "CEB604", "CEB606", "CEB608", "CEB702", "CEB792"} {
		data := sample(f, msg+"Message.xml")
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	for _, b := range builders() {
		if _, ok := b.build().(ceb.ReceiptMessage); ok {
			doc, err := ceb.Marshal(b.build())
			if err != nil {
				f.Fatal(err)
			}
			f.Add(doc)
			f.Add(bytes.ReplaceAll(doc, []byte("ceb:"), nil))
		}
	}
	f.Add([]byte(receipt604(fullBlock)))
	f.Add([]byte(sample604Departure + "\n" + sample604Departure))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ceb.ParseReceiptStream(data)
		_ = ceb.SplitDocuments(data)
		_, _ = ceb.ParseMessage(data)

		m, err := ceb.ParseReceiptMessage(data)
		rs, err2 := ceb.ParseReceipts(data)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ParseReceiptMessage and ParseReceipts disagree: %v / %v", err, err2)
		}
		if err != nil {
			if _, ok := err.(*ceb.ParseError); !ok {
				t.Fatalf("error is %T, want *ParseError: %v", err, err)
			}
			return
		}
		if !reflect.DeepEqual(rs, m.Receipts()) {
			t.Fatalf("ParseReceipts differs from Receipts()")
		}
		out, err := ceb.Marshal(m)
		if err != nil {
			t.Fatalf("accepted receipt does not marshal: %v\ninput: %q", err, data)
		}
		again, err := ceb.ParseReceipts(out)
		if err != nil {
			t.Fatalf("re-marshalled receipt does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, rs) {
			t.Fatalf("receipts changed after a round trip\n got %+v\nwant %+v", again, rs)
		}
	})
}
