package web

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The in-process store of uploads' problems keeps at most maxMemoryUploads values, the oldest
// going first, and none past its expiry.
func TestMemoryUploads(t *testing.T) {
	s := newMemoryUploads()
	ctx := context.Background()
	for i := 0; i < maxMemoryUploads+5; i++ {
		if err := s.Put(ctx, fmt.Sprint(i), []byte{byte(i)}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.byKey) != maxMemoryUploads || len(s.order) != maxMemoryUploads {
		t.Errorf("%d values kept, want %d", len(s.byKey), maxMemoryUploads)
	}
	if v, _ := s.Get(ctx, "0"); v != nil {
		t.Error("the oldest value is still kept")
	}
	if v, _ := s.Get(ctx, fmt.Sprint(maxMemoryUploads+4)); len(v) != 1 {
		t.Error("the newest value is gone")
	}
	_ = s.Put(ctx, "short", []byte("x"), time.Nanosecond)
	time.Sleep(time.Millisecond)
	if v, _ := s.Get(ctx, "short"); v != nil {
		t.Error("a value outlived its expiry")
	}
}

// The form's goods rows: blank rows are left out of the draft, and the draft's item paths go
// back to the rows they came from.
func TestDraftOfRows(t *testing.T) {
	d, rowOf, problems := draftOf(map[string]string{
		"items[0].gcode": "8518300000", "items[0].qty": "1", "items[0].price": "1.5",
		"items[2].gcode": "61091", "items[2].qty": "x",
		"grossWeightKg": "0.5",
	})
	if len(d.Items) != 2 || fmt.Sprint(rowOf) != "[0 2]" {
		t.Fatalf("items %d, rows %v", len(d.Items), rowOf)
	}
	if len(problems) != 1 || problems[0].Field != "items[2].qty" || problems[0].Code != "invalid_number" {
		t.Errorf("problems %v", problems)
	}
	if d.Items[1].Price != nil || d.Items[0].Price == nil || d.GrossWeightKg.String() != "0.5" {
		t.Errorf("draft %+v", d)
	}
	for in, want := range map[string]string{"items[1].gcode": "items[2].gcode", "items[0]": "items[0]", "consignee.name": "consignee.name", "items[7].qty": "items[7].qty"} {
		if got := formPath(in, rowOf); got != want {
			t.Errorf("formPath(%s) = %s, want %s", in, got, want)
		}
	}
}
