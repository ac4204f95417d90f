package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// releasedWeighing registers a parcel of the given gross mass (kg, as declared) and has customs
// release it.
func (s *service) releasedWeighing(key, logisticsNo, grossKg string) string {
	s.t.Helper()
	body := parcelBody(logisticsNo)
	body["grossWeightKg"] = grossKg
	pid := s.expect(s.do("POST", "/v1/parcels", key, body), 201)["id"].(string)
	id := s.declare(key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", key, nil), 202)
	s.waitForStatus(key, id, "released")
	eventually(s.t, "parcel "+pid+" released", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, key, nil), 200)["status"] == "released"
	})
	return pid
}

// TestConsignmentNoteTotalsAndChinese loads a box of one 1.35 kg parcel (not weighed) and a box
// weighed at 1,200 kg with a 0.45 kg parcel, and prints the note: the goods line and its total
// say 1.8 kg, not "1"; the containers' total is the sum of the two boxes, not 0; the booking's
// declared 18,000 kg is printed; and the Chinese names print in Chinese.
func TestConsignmentNoteTotalsAndChinese(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "襄阳丝路跨境电商有限公司", usccA, "4206360A21")
	dep := s.planDeparture(10, 110)
	bid := s.expect(s.book(exp.key, dep, "40HQ", 2, false, nil), 201)["id"].(string) // declares 18,000 kg
	heavy := s.releasedWeighing(exp.key, "XYN1", "1.35")
	light := s.releasedWeighing(exp.key, "XYN2", "0.45")
	s.receive(heavy, light)
	s.expect(s.do("POST", "/v1/bookings/"+bid+"/containers", exp.key, map[string]any{
		"containerNo": "CSQU3054383", "type": "40HQ", "sealNo": "SG1", "parcelIds": []string{heavy}}), 201)
	s.expect(s.do("POST", "/v1/bookings/"+bid+"/containers", exp.key, map[string]any{
		"containerNo": "MSKU1234565", "type": "40HQ", "sealNo": "SG2", "grossKg": 1200, "parcelIds": []string{light}}), 201)

	ctx := context.Background()
	actor, err := s.main.Parties.Authenticate(ctx, exp.key)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.main.Rail.ConsignmentNote(ctx, actor, bid)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Containers) != 2 || n.Containers[0].ParcelsKg != 1.35 || n.Containers[0].GrossKg != 0 ||
		n.Containers[1].ParcelsKg != 0.45 || n.Containers[1].GrossKg != 1200 {
		t.Errorf("containers %+v", n.Containers)
	}
	if len(n.Goods) != 1 || n.Goods[0].Packages != 2 || n.Goods[0].GrossKg != 1.8 || n.Goods[0].Description != "蓝牙耳机" {
		t.Errorf("goods %+v", n.Goods)
	}
	if n.DeclaredGrossKg != 18000 {
		t.Errorf("declared gross %d kg, want the booking's 18000", n.DeclaredGrossKg)
	}

	note := s.do("GET", "/v1/bookings/"+bid+"/consignment-note", exp.key, nil)
	if note.Status != 200 {
		t.Fatalf("consignment note: %d %s", note.Status, note.Body)
	}
	text := pdfToText(t, note.Body)
	lines := strings.Split(text, "\n")
	has := func(prefix string, values ...string) {
		t.Helper()
		for _, l := range lines {
			if f := strings.Join(strings.Fields(l), " "); strings.HasPrefix(f, prefix) && strings.HasSuffix(f, strings.Join(values, " ")) {
				return
			}
		}
		t.Errorf("the printed note has no line %q … %q:\n%s", prefix, values, text)
	}
	has("1 CSQU3054383", "1.35", "1")
	has("2 MSKU1234565", "1 200", "1")
	has("Total / Итого / Summe: 2", "1 201.35", "2")
	has("1 蓝牙耳机", "2", "1.8")
	has("Total / Итого / Summe", "2", "1.8")
	has("Declared in the booking", "—", "18 000")
	for _, want := range []string{"襄阳丝路跨境电商有限公司", "蓝牙耳机", "襄阳"} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed note lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "[…]") {
		t.Errorf("the printed note has placeholders:\n%s", text)
	}
}

// pdfToText reads a PDF's text back with poppler's pdftotext, one line of the page a line. A
// missing pdftotext fails the test: CI installs poppler-utils.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is not installed; the printed note cannot be read back. Install it with: apt-get install -y poppler-utils")
	}
	f := filepath.Join(t.TempDir(), "note.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", f, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}
