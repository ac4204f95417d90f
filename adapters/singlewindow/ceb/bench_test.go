package ceb_test

import (
	"testing"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

func BenchmarkParseReceiptsOneBlock(b *testing.B) {
	m := fixtureCEB604()
	m.InventoryReturns = m.InventoryReturns[:1]
	doc, err := ceb.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := ceb.ParseReceipts(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalCEB603(b *testing.B) {
	m := fixtureCEB603()
	for b.Loop() {
		if _, err := ceb.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}
