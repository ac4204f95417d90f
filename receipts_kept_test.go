package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

// rejectionWithoutNumbers is a CEB604 rejection of the list filed under guid as E-Port sends one
// for a filing it never numbered: preNo, invtNo and statisticsFlag empty.
func rejectionWithoutNumbers(t testing.TB, guid string, at time.Time) []byte {
	t.Helper()
	doc, err := ceb.Marshal(&ceb.CEB604Message{GUID: ceb.NewGUID(), InventoryReturns: []ceb.InventoryReturn{{
		GUID: guid, AgentCode: "4206360A21", CopNo: "SG1", EbcCode: "4206360A21", EbpCode: "4206360A21", OrderNo: "SO-1",
		ReturnResult: ceb.ReturnResult{ReturnStatus: "100", ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: "海关退单 rejected"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "<ceb:preNo></ceb:preNo>") {
		t.Fatalf("the receipt should carry an empty preNo:\n%s", doc)
	}
	return doc
}

// keptReceipts reads what the service kept of the receipt bodies it could not apply.
func (s *service) keptReceipts() []map[string]any {
	s.t.Helper()
	cur, err := s.main.store.Database().Collection("kept_receipts").Find(context.Background(), map[string]any{})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []map[string]any
	if err := cur.All(context.Background(), &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// TestReceiptsWithoutNumbersAndKeptReceipts: a rejection whose optional numbers are empty is read
// and applied, through the endpoint and through the DXP inbox; a body that cannot be applied —
// unreadable, or for a guid never filed — is kept with its error, from the endpoint and from a
// receipt task alike, never dropped.
func TestReceiptsWithoutNumbersAndKeptReceipts(t *testing.T) {
	t.Parallel()
	env := dxpCustoms(t)
	s := startService(t, env)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	id1, guid1 := s.submitted(exp.key, "XYK1")
	id2, guid2 := s.submitted(exp.key, "XYK2")
	t0 := time.Now()

	// Through the endpoint: applied, the list rejected with the reason.
	res := s.expect(s.postReceipts(testOperatorKey, rejectionWithoutNumbers(t, guid1, t0)), 200)["receipts"].([]any)
	if len(res) != 1 || res[0].(map[string]any)["status"] != "rejected" {
		t.Fatalf("a rejection without preNo: %v", res)
	}
	// Through the DXP inbox: the file is read, not set aside, and the list is rejected.
	inbox := filepath.Join(env["SILKGATE_DXP_DIR"], "inbox")
	if err := os.WriteFile(filepath.Join(inbox, "CEB604_a.xml"), rejectionWithoutNumbers(t, guid2, t0), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the inbox rejection is applied", func() bool {
		return s.expect(s.do("GET", "/v1/declarations/"+id2, exp.key, nil), 200)["status"] == "rejected"
	})
	if _, err := os.Stat(filepath.Join(inbox, "processed", "CEB604_a.xml")); err != nil {
		t.Errorf("the receipt file was not processed: %v", err)
	}
	if d := s.expect(s.do("GET", "/v1/declarations/"+id1, exp.key, nil), 200); d["status"] != "rejected" {
		t.Errorf("list 1 is %v", d["status"])
	}

	// Unreadable, through the endpoint: 400, and kept with its error.
	bad := []byte(strings.Replace(string(inventoryReceipt(t, guid1, "120", t0)), "</ceb:returnTime>", "", 1))
	s.expect(s.postReceipts(testOperatorKey, bad), 400)
	// A guid never filed, through the inbox: the receipt task cannot apply it, and keeps it.
	unknown := inventoryReceipt(t, ceb.NewGUID(), "120", t0)
	if err := os.WriteFile(filepath.Join(inbox, "CEB604_b.xml"), unknown, 0o644); err != nil {
		t.Fatal(err)
	}
	var kept []map[string]any
	eventually(t, "both bodies are kept", func() bool {
		kept = s.keptReceipts()
		return len(kept) == 2
	})
	codes := map[string][]byte{}
	for _, k := range kept {
		codes[k["code"].(string)] = rawBody(t, k["body"])
		if k["error"] == "" || k["receivedAt"] == nil {
			t.Errorf("kept without its error: %v", k)
		}
	}
	// postReceipts ends each document with a newline.
	if string(codes["malformed_receipt"]) != string(bad)+"\n" || string(codes["unknown_guid"]) != string(unknown) {
		t.Errorf("kept %d bodies (codes %v), want the malformed body and the unknown guid's body, byte for byte", len(kept), codes)
	}
}

// rawBody is a kept body as stored: BSON binary.
func rawBody(t testing.TB, v any) []byte {
	t.Helper()
	b, ok := v.(primitive.Binary)
	if !ok {
		t.Fatalf("body stored as %T, want binary", v)
	}
	return b.Data
}
