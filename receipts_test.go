package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

// dxpCustoms exchanges through folders, so that the test plays customs itself.
func dxpCustoms(t testing.TB) map[string]string {
	return map[string]string{"SILKGATE_CUSTOMS_GATEWAY": "dxp-folder", "SILKGATE_DXP_DIR": t.TempDir()}
}

// inventoryReceipt is a CEB604 customs would send about the list filed under guid.
func inventoryReceipt(t testing.TB, guid, status string, at time.Time) []byte {
	t.Helper()
	doc, err := ceb.Marshal(&ceb.CEB604Message{GUID: ceb.NewGUID(), InventoryReturns: []ceb.InventoryReturn{{
		GUID: guid, AgentCode: "4206360A21", CopNo: "SG1", PreNo: "B20261125000000042", InvtNo: "47002026E000000042",
		EbcCode: "4206360A21", EbpCode: "4206360A21", OrderNo: "SO-1", StatisticsFlag: "B",
		ReturnResult: ceb.ReturnResult{ReturnStatus: status, ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: "status " + status},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// submitted registers a parcel, files its list and submits it; it returns the list's id and guid.
func (s *service) submitted(key, logisticsNo string) (id, guid string) {
	s.t.Helper()
	pid := s.expect(s.do("POST", "/v1/parcels", key, parcelBody(logisticsNo)), 201)["id"].(string)
	id = s.declare(key, pid)[0]
	d := s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", key, nil), 202)
	return id, d["guid"].(string)
}

func (s *service) postReceipts(key string, docs ...[]byte) response {
	s.t.Helper()
	var body []byte
	for _, d := range docs {
		body = append(body, d...)
		body = append(body, '\n')
	}
	return s.do("POST", "/v1/singlewindow/receipts", key, body)
}

func TestReceiptsEndpoint(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	id, guid := s.submitted(exp.key, "XYE1")
	t0 := time.Now()

	s.expectProblem(s.postReceipts(exp.key, inventoryReceipt(t, guid, "120", t0)), 403, "operator_only", "")
	bad := []byte(strings.Replace(string(inventoryReceipt(t, guid, "120", t0)), "</ceb:returnTime>", "", 1))
	p := s.expect(s.postReceipts(testOperatorKey, bad), 400)
	if !strings.Contains(fmt.Sprint(p["errors"]), "returnTime") {
		t.Errorf("a malformed receipt should be named: %v", p)
	}
	unknown := inventoryReceipt(t, ceb.NewGUID(), "120", t0)
	s.expectProblem(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "2", t0), unknown), 404, "unknown_guid", "receipts[1].guid")
	if d := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200); len(arr(d["receipts"])) != 0 {
		t.Fatalf("a refused body applied receipts: %v", d["receipts"])
	}

	// Several documents in one body, out of order; then the same again.
	docs := [][]byte{inventoryReceipt(t, guid, "800", t0.Add(3*time.Second)), inventoryReceipt(t, guid, "2", t0),
		inventoryReceipt(t, guid, "120", t0.Add(time.Second))}
	res := s.expect(s.postReceipts(testOperatorKey, docs...), 200)["receipts"].([]any)
	if len(res) != 3 || res[0].(map[string]any)["status"] != "released" {
		t.Fatalf("receipts %v", res)
	}
	again := s.expect(s.postReceipts(testOperatorKey, docs...), 200)["receipts"].([]any)
	for _, r := range again {
		if r.(map[string]any)["outcome"] != "duplicate" {
			t.Errorf("a repeated receipt was not a duplicate: %v", r)
		}
	}
	d := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200)
	if d["status"] != "released" || len(arr(d["receipts"])) != 3 || d["invtNo"] != "47002026E000000042" {
		t.Errorf("declaration after receipts: status %v, %d receipts, invtNo %v", d["status"], len(arr(d["receipts"])), d["invtNo"])
	}
}

func TestConcurrentReceiptsForOneDeclaration(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	id, guid := s.submitted(exp.key, "XYC1")
	t0 := time.Now()
	statuses := []string{"2", "3", "120", "500", "800"}
	var wg sync.WaitGroup
	for g := 0; g < 25; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			st := statuses[g%len(statuses)]
			at := t0.Add(time.Duration(g%len(statuses)) * time.Second)
			if r := s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, st, at)); r.Status != 200 {
				t.Errorf("receipt %s: %d %s", st, r.Status, r.Body)
			}
		}(g)
	}
	wg.Wait()
	d := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200)
	if d["status"] != "released" {
		t.Errorf("status %v after every receipt, want released", d["status"])
	}
	if n := len(arr(d["receipts"])); n != len(statuses) {
		t.Errorf("%d receipts kept, want each of the %d once", n, len(statuses))
	}
	pid := d["inventory"].(map[string]any)["parcelId"].(string)
	eventually(t, "the parcel follows", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "released"
	})
}

// dxpFiles waits for the message files in the outbox folder and returns them by name.
func dxpFiles(t *testing.T, dir string, want int) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	eventually(t, fmt.Sprintf("%d messages in the DXP outbox", want), func() bool {
		entries, _ := os.ReadDir(filepath.Join(dir, "outbox"))
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") {
				files[e.Name()], _ = os.ReadFile(filepath.Join(dir, "outbox", e.Name()))
			}
		}
		return len(files) >= want
	})
	return files
}

func TestDXPFolderAndMonthlySummary(t *testing.T) {
	t.Parallel()
	env := dxpCustoms(t)
	dir := env["SILKGATE_DXP_DIR"]
	s := startService(t, env)
	exp := s.register("exporter", "甲", usccA, "4206360A21")

	// Two lists go out as files; customs drops their receipts into the inbox, released last month.
	var ids []string
	for _, no := range []string{"XYS1", "XYS2"} {
		id, _ := s.submitted(exp.key, no)
		ids = append(ids, id)
	}
	files := dxpFiles(t, dir, 2)
	lastMonth := time.Now().AddDate(0, -1, 0)
	for name, content := range files {
		msg, err := ceb.ParseCEB603(content)
		if err != nil {
			t.Fatalf("%s is not a CEB603: %v", name, err)
		}
		h := msg.Inventories[0].Head
		for i, st := range []string{"2", "120", "800"} {
			doc := inventoryReceipt(t, h.GUID, st, lastMonth.Add(time.Duration(i)*time.Minute))
			doc = []byte(strings.Replace(string(doc), "47002026E000000042", "47002026E0000000"+h.LogisticsNo[3:], 1))
			if err := os.WriteFile(filepath.Join(dir, "inbox", h.GUID+"-"+st+".xml"), doc, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, id := range ids {
		s.waitForStatus(exp.key, id, "released")
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "inbox", "processed")); len(left) != 6 {
		t.Errorf("%d receipt files moved to processed, want 6", len(left))
	}
	// An unreadable file is set aside with its reason.
	os.WriteFile(filepath.Join(dir, "inbox", "broken.xml"), []byte("<ceb:CEB604Message"), 0o644)
	eventually(t, "the broken file is set aside", func() bool {
		_, err := os.Stat(filepath.Join(dir, "inbox", "failed", "broken.xml.err"))
		return err == nil
	})

	month := lastMonth.In(ceb.China).Format("2006-01")
	s.expectProblem(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "summary", "month": time.Now().In(ceb.China).Format("2006-01")}), 422, "month_not_closed", "month")
	sums := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "summary", "month": month}), 201)["items"].([]any)
	if len(sums) != 1 {
		t.Fatalf("summaries %v", sums)
	}
	sum := sums[0].(map[string]any)
	sumID := sum["id"].(string)
	if n := len(sum["summary"].(map[string]any)["lists"].([]any)); n != 2 {
		t.Fatalf("the summary covers %d lists, want 2", n)
	}
	// Asking again finds the same summary.
	again := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "summary", "month": month}), 201)["items"].([]any)
	if again[0].(map[string]any)["id"] != sumID {
		t.Errorf("a second summary request made %v", again)
	}
	sub := s.expect(s.do("POST", "/v1/declarations/"+sumID+"/submit", exp.key, nil), 202)
	out := dxpFiles(t, dir, 3)
	var apply []byte
	for name, content := range out {
		if strings.HasPrefix(name, "CEB701") {
			apply = content
		}
	}
	msg, err := ceb.ParseCEB701(apply)
	if err != nil || len(msg.SummaryApplies[0].Lists) != 2 {
		t.Fatalf("CEB701 in the outbox: %v %v", err, msg)
	}
	h := msg.SummaryApplies[0].Head
	now := time.Now()
	accepted, _ := ceb.Marshal(&ceb.CEB702Message{GUID: ceb.NewGUID(), SummaryReturns: []ceb.SummaryReturn{{GUID: h.GUID,
		AgentCode: h.AgentCode, EbcCode: h.EbcCode, CopNo: h.CopNo, PreNo: "B20261201000000077", SumNo: "S20261201000000077", MsgSeqNo: 1,
		ReturnResult: ceb.ReturnResult{ReturnStatus: "120", ReturnTime: ceb.FormatReturnTime(now), ReturnInfo: "入库"}}}})
	result := func(decState, decTmpNo, entryID string, at time.Time) []byte {
		doc, err := ceb.Marshal(&ceb.CEB792Message{GUID: ceb.NewGUID(), SummaryResults: []ceb.SummaryResult{{Head: ceb.SummaryResultHead{
			GUID: h.GUID, CustomsCode: h.CustomsCode, SumNo: "S20261201000000077", OpDate: ceb.FormatReturnTime(at),
			DeclSeqNo: "S20261201000000078", DecTmpNo: decTmpNo, EntryID: entryID, DecState: decState, AgentCode: h.AgentCode,
			AgentName: h.AgentName, EbcCode: h.EbcCode, EbcName: h.EbcName, DeclAgentCode: h.DeclAgentCode,
			DeclAgentName: h.DeclAgentName, GrossWeight: "0.9", NetWeight: "0.6", MsgCount: 1, MsgSeqNo: 1}}}})
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	// Customs generates the declaration and stages it under a temporary number: not cleared yet.
	const decTmpNo = "E20261201000000079"
	s.expectProblem(s.do("POST", "/v1/declarations/"+sumID+"/generated-entry", exp.key, nil), 409, "not_generated", "")
	s.expect(s.postReceipts(testOperatorKey, accepted, result("0", decTmpNo, "", now.Add(time.Second))), 200)
	staged := s.waitForStatus(exp.key, sumID, "accepted")
	if staged["decTmpNo"] != decTmpNo || sub["guid"] != h.GUID {
		t.Fatalf("after the staged result: %v", staged)
	}
	// The filer drafts the generated declaration (the lists merged), checks it and declares it.
	gen := s.expect(s.do("POST", "/v1/declarations/"+sumID+"/generated-entry", exp.key, nil), 201)
	e := gen["entry"].(map[string]any)
	lines := e["lines"].([]any)
	if gen["kind"] != "entry" || e["seqNo"] != decTmpNo || e["summaryId"] != sumID || e["tradeMode"] != "9610" || len(lines) != 1 {
		t.Fatalf("generated declaration %v", gen)
	}
	if l := lines[0].(map[string]any); l["codeTS"] != "8518300000" || l["gQty"] != "4" || l["declTotal"] != "79.6" {
		t.Errorf("the two lists' goods merged into %v", l)
	}
	if again := s.expect(s.do("POST", "/v1/declarations/"+sumID+"/generated-entry", exp.key, nil), 200); again["id"] != gen["id"] {
		t.Errorf("asked again: %v", again["id"])
	}
	s.expect(s.do("POST", "/v1/declarations/"+gen["id"].(string)+"/submit", exp.key, nil), 202)
	var dec []byte
	for name, content := range dxpFiles(t, dir, 4) {
		if strings.HasPrefix(name, "DEC") {
			dec = content
		}
	}
	if !strings.Contains(string(dec), "<SeqNo>"+decTmpNo+"</SeqNo>") {
		t.Fatalf("the declared DEC does not name the temporary number: %s", dec)
	}
	// Customs numbers it, then clears it: only then is the summary cleared.
	s.expect(s.postReceipts(testOperatorKey, result("L", "", "470020260000012345", now.Add(2*time.Second))), 200)
	if d := s.waitForStatus(exp.key, sumID, "accepted"); fmt.Sprint(d["entryIds"]) != "[470020260000012345]" {
		t.Errorf("after decState L: %v", d["entryIds"])
	}
	s.expect(s.postReceipts(testOperatorKey, result("R", "", "470020260000012345", now.Add(3*time.Second))), 200)
	done := s.waitForStatus(exp.key, sumID, "cleared")
	if fmt.Sprint(done["entryIds"]) != "[470020260000012345]" {
		t.Errorf("summary result: %v", done["entryIds"])
	}
	// The generated declaration prints (报关单, for the export tax refund); a summary does not.
	pdf := s.do("GET", "/v1/declarations/"+gen["id"].(string)+"/pdf", exp.key, nil)
	if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) ||
		!bytes.Contains(bytes.ToLower(pdf.Body), []byte("droidsansfallback")) { // the CJK font, embedded
		t.Errorf("declaration PDF: %d %s, %d bytes", pdf.Status, pdf.Header.Get("Content-Type"), len(pdf.Body))
	}
	s.expectProblem(s.do("GET", "/v1/declarations/"+sumID+"/pdf", exp.key, nil), 409, "wrong_kind", "")
	eventually(t, "the lists are marked summarised", func() bool {
		for _, id := range ids {
			l := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200)
			if fmt.Sprint(l["summaryEntryIds"]) != "[470020260000012345]" {
				return false
			}
		}
		return true
	})
}

func TestCustomsGatewayKey(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	s.expectProblem(s.do("POST", "/v1/orgs/"+exp.id+"/api-keys", exp.key, map[string]any{"scope": "customs-gateway"}), 422, "invalid_scope", "scope")
	s.expectProblem(s.do("POST", "/v1/orgs/org_operator/api-keys", testOperatorKey, map[string]any{"scope": "root"}), 422, "invalid_scope", "scope")
	k := s.expect(s.do("POST", "/v1/orgs/org_operator/api-keys", testOperatorKey, map[string]any{"name": "E-Port client", "scope": "customs-gateway"}), 201)
	gw := k["key"].(string)
	if k["scope"] != "customs-gateway" {
		t.Errorf("key %v", k)
	}
	id, guid := s.submitted(exp.key, "XYG1")
	s.expect(s.postReceipts(gw, inventoryReceipt(t, guid, "120", time.Now())), 200)
	if d := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200); d["status"] != "accepted" {
		t.Errorf("status %v after the gateway's receipt", d["status"])
	}
	s.expectProblem(s.do("GET", "/v1/orgs", gw, nil), 403, "scope_limited", "")
	s.expectProblem(s.do("GET", "/v1/declarations/"+id, gw, nil), 403, "scope_limited", "")
}
