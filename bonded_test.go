package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/adapters/singlewindow/ceb/cebtest"
	"github.com/silkgate/silkgate/domain/code"
)

// The bonded-zone account (账册) behind 1210 lists: docs/customs.md, "Bonded account".

const (
	testEmsNo   = "T4206W000001"
	testItemRec = "BA-0001"
)

// bondedListQueries are the bonded routes' commands that filter on more than an _id: list
// pages only (scans_test.go has the rest of the service's).
var bondedListQueries = map[string]string{
	"find bonded_accounts {}":          "GET /v1/bonded-accounts: the operator's page (_id)",
	"find bonded_accounts {firmOrgId}": "GET /v1/bonded-accounts: a firm's own (index firm)",
	"find bonded_stock {emsNo}":        "GET /v1/bonded-accounts/{emsNo}/items: a page of item records (index ems_item)",
	"find bonded_movements {$and}":     "GET /v1/bonded-accounts/{emsNo}/movements: a page of the ledger (index ems_created)",
}

// parcel1210 is a 1210 parcel drawn from account emsNo: one line of item record rec, qty pieces.
func parcel1210(logisticsNo, emsNo, rec, qty string) map[string]any {
	p := parcelBody(logisticsNo)
	p["tradeMode"], p["emsNo"] = "1210", emsNo
	p["items"] = []any{map[string]any{"itemRecordNo": rec, "gcode": "8518300000", "gname": "蓝牙耳机", "gmodel": "TWS|白色",
		"qty": qty, "unit": "007", "price": "19.90", "originCountry": "CN"}}
	return p
}

// bondedAccount registers account emsNo for firm with item record testItemRec and books stock
// pieces into the zone.
func (s *service) bondedAccount(f firm, emsNo string, stock int) {
	s.t.Helper()
	s.expect(s.do("POST", "/v1/bonded-accounts", testOperatorKey, map[string]any{"emsNo": emsNo, "firmId": f.id, "customsCode": "4702"}), 201)
	s.expect(s.do("POST", "/v1/bonded-accounts/"+emsNo+"/items", testOperatorKey, map[string]any{"itemRecordNo": testItemRec,
		"gcode": "8518300000", "gname": "蓝牙耳机", "unit": "007", "legalUnit": "007"}), 201)
	if stock > 0 {
		s.expect(s.do("POST", "/v1/bonded-accounts/"+emsNo+"/receipts", testOperatorKey, map[string]any{"ref": "RK-" + emsNo,
			"lines": []any{map[string]any{"itemRecordNo": testItemRec, "qty": fmt.Sprint(stock)}}}), 200)
	}
}

// balance reads an item record's onHand, reserved and available.
func (s *service) balance(key, emsNo, rec string) (onHand, reserved, available string) {
	s.t.Helper()
	it := s.expect(s.do("GET", "/v1/bonded-accounts/"+emsNo+"/items/"+rec, key, nil), 200)
	return it["onHand"].(string), it["reserved"].(string), it["available"].(string)
}

// ledger reads every movement of an item record and checks that it adds up, line by line, to the
// balances it records and to the item's balance now; it returns the count by kind.
func (s *service) ledger(key, emsNo, rec string) map[string]int {
	s.t.Helper()
	var all []map[string]any
	cursor := ""
	for {
		page := s.expect(s.do("GET", "/v1/bonded-accounts/"+emsNo+"/movements?limit=500&itemRecordNo="+rec+"&cursor="+cursor, key, nil), 200)
		for _, m := range arr(page["items"]) {
			all = append(all, m.(map[string]any))
		}
		if cursor, _ = page["nextCursor"].(string); cursor == "" {
			break
		}
	}
	kinds := map[string]int{}
	var onHand, reserved code.Decimal
	for i := len(all) - 1; i >= 0; i-- { // oldest first
		m := all[i]
		if m["seq"].(float64) != float64(len(all)-i) {
			s.t.Fatalf("movement %v out of sequence at %d", m, len(all)-i)
		}
		q := code.MustDecimal(m["qty"].(string))
		switch m["kind"] {
		case "receipt", "return":
			onHand = onHand.Add(q)
		case "reserve":
			reserved = reserved.Add(q)
		case "unreserve":
			reserved = reserved.Sub(q)
		case "release":
			onHand, reserved = onHand.Sub(q), reserved.Sub(q)
		}
		if onHand.Sign() < 0 || reserved.Sign() < 0 || reserved.Cmp(onHand) > 0 {
			s.t.Fatalf("the ledger went below zero at %v", m)
		}
		if m["onHand"] != onHand.String() || m["reserved"] != reserved.String() {
			s.t.Fatalf("movement %v records %v/%v, the ledger adds up to %s/%s", m["id"], m["onHand"], m["reserved"], onHand, reserved)
		}
		kinds[m["kind"].(string)]++
	}
	h, r, _ := s.balance(key, emsNo, rec)
	if h != onHand.String() || r != reserved.String() {
		s.t.Fatalf("item balance %s/%s, ledger %s/%s", h, r, onHand, reserved)
	}
	return kinds
}

func TestBondedAccountRegistryAndTenancy(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲公司", usccA, "4206360A21")
	b := s.register("exporter", "乙公司", usccB, "4206340017")
	body := map[string]any{"emsNo": testEmsNo, "firmId": a.id, "customsCode": "4702"}

	s.expectProblem(s.do("POST", "/v1/bonded-accounts", a.key, body), 403, "operator_only", "")
	s.expectProblem(s.do("POST", "/v1/bonded-accounts", testOperatorKey, map[string]any{"emsNo": "T42/1", "firmId": a.id, "customsCode": "47"}),
		422, "invalid_ems_no", "emsNo")
	s.expectProblem(s.do("POST", "/v1/bonded-accounts", testOperatorKey, map[string]any{"emsNo": "T1", "firmId": "org_nobody", "customsCode": "4702"}),
		422, "unknown_firm", "firmId")
	acc := s.expect(s.do("POST", "/v1/bonded-accounts", testOperatorKey, body), 201)
	if acc["iacCode"] != "4206360A21" || acc["iacName"] != "甲公司" || acc["state"] != "active" {
		t.Fatalf("account %v: the firm's code and registered name", acc)
	}
	s.expectProblem(s.do("POST", "/v1/bonded-accounts", testOperatorKey, body), 409, "account_exists", "")

	items := "/v1/bonded-accounts/" + testEmsNo + "/items"
	s.expectProblem(s.do("POST", items, testOperatorKey, map[string]any{"itemRecordNo": testItemRec, "gcode": "85183",
		"gname": "蓝牙耳机", "unit": "007", "legalUnit": "007"}), 422, "invalid_hs_code", "gcode")
	s.expectProblem(s.do("POST", items, a.key, map[string]any{"itemRecordNo": testItemRec, "gcode": "8518300000",
		"gname": "蓝牙耳机", "unit": "007", "legalUnit": "007"}), 403, "operator_only", "")
	s.bondedAccountItems(testEmsNo)
	s.expectProblem(s.do("POST", items, testOperatorKey, map[string]any{"itemRecordNo": testItemRec, "gcode": "8518300000",
		"gname": "蓝牙耳机", "unit": "007", "legalUnit": "007"}), 409, "item_record_exists", "")

	receipts := "/v1/bonded-accounts/" + testEmsNo + "/receipts"
	in := map[string]any{"ref": "RK-20260001", "lines": []any{map[string]any{"itemRecordNo": testItemRec, "qty": "25"}}}
	s.expectProblem(s.do("POST", receipts, testOperatorKey, map[string]any{"ref": "RK-2", "lines": []any{
		map[string]any{"itemRecordNo": testItemRec, "qty": "5"}, map[string]any{"itemRecordNo": "NOPE", "qty": "1"}}}),
		422, "unknown_item_record", "lines[1].itemRecordNo")
	res := s.expect(s.do("POST", receipts, testOperatorKey, in), 200)
	if r := arr(res["results"])[0].(map[string]any); r["status"] != "booked" {
		t.Fatalf("receipt %v", res)
	}
	res = s.expect(s.do("POST", receipts, testOperatorKey, in), 200) // a retry counts nothing twice
	if r := arr(res["results"])[0].(map[string]any); r["status"] != "duplicate" {
		t.Fatalf("receipt again %v", res)
	}
	if h, r, av := s.balance(a.key, testEmsNo, testItemRec); h != "25" || r != "0" || av != "25" {
		t.Fatalf("balance %s %s %s after one receipt of 25 (refused and repeated ones count nothing)", h, r, av)
	}

	// The firm and the operator read; another exporter sees nothing. Only the list pages filter
	// on more than an _id.
	scansBefore := s.main.store.Commands().Scans()
	for _, key := range []string{a.key, testOperatorKey} {
		s.expect(s.do("GET", "/v1/bonded-accounts/"+testEmsNo, key, nil), 200)
		if n := len(arr(s.expect(s.do("GET", items, key, nil), 200)["items"])); n != 2 {
			t.Errorf("%d item records listed, want 2", n)
		}
		if k := s.ledger(key, testEmsNo, testItemRec); k["receipt"] != 1 || len(k) != 1 {
			t.Errorf("ledger %v", k)
		}
	}
	for _, path := range []string{"", "/items", "/items/" + testItemRec, "/movements"} {
		s.expectProblem(s.do("GET", "/v1/bonded-accounts/"+testEmsNo+path, b.key, nil), 404, "bonded_account_not_found", "")
	}
	if n := len(arr(s.expect(s.do("GET", "/v1/bonded-accounts", b.key, nil), 200)["items"])); n != 0 {
		t.Errorf("another exporter lists %d accounts", n)
	}
	if n := len(arr(s.expect(s.do("GET", "/v1/bonded-accounts", a.key, nil), 200)["items"])); n != 1 {
		t.Errorf("the firm lists %d accounts, want 1", n)
	}
	s.expect(s.do("GET", "/v1/bonded-accounts", testOperatorKey, nil), 200)
	scans := s.scansSince(scansBefore)
	if len(scans) != len(bondedListQueries) {
		t.Errorf("list pages sent %v, want each of %d shapes", scans, len(bondedListQueries))
	}
	for shape := range scans {
		if _, ok := bondedListQueries[shape]; !ok {
			t.Errorf("not an allowed list query: %q", shape)
		}
	}
	// A broker sees the account of a firm that authorised it, and no other.
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	s.expectProblem(s.do("GET", "/v1/bonded-accounts/"+testEmsNo, brk.key, nil), 404, "bonded_account_not_found", "")
	s.authorize(a, a, brk, "1210")
	s.expect(s.do("GET", "/v1/bonded-accounts/"+testEmsNo+"/items/"+testItemRec, brk.key, nil), 200)
	// A suspended account takes no list; the operator reactivates it.
	s.expectProblem(s.do("PUT", "/v1/bonded-accounts/"+testEmsNo+"/state", testOperatorKey, map[string]any{"state": "closed"}), 422, "invalid_state", "state")
	s.expectProblem(s.do("PUT", "/v1/bonded-accounts/"+testEmsNo+"/state", testOperatorKey, map[string]any{"state": "active"}), 409, "illegal_transition", "")
	s.expectProblem(s.do("PUT", "/v1/bonded-accounts/"+testEmsNo+"/state", a.key, map[string]any{"state": "suspended"}), 403, "operator_only", "")
	st := s.expect(s.do("PUT", "/v1/bonded-accounts/"+testEmsNo+"/state", testOperatorKey, map[string]any{"state": "suspended"}), 200)
	if st["state"] != "suspended" {
		t.Fatalf("state %v", st)
	}
	pid := s.expect(s.do("POST", "/v1/parcels", a.key, parcel1210("XYB0", testEmsNo, testItemRec, "1")), 201)["id"].(string)
	s.carrier(carrierCode)
	r := s.expect(s.do("POST", "/v1/declarations", a.key, map[string]any{"kind": "inventory", "parcelIds": []any{pid}}), 200)
	if e := firstError(r); e["code"] != "account_suspended" || e["field"] != "parcelIds[0].parcel.emsNo" {
		t.Fatalf("a suspended account's list: %v", r)
	}
	s.expect(s.do("PUT", "/v1/bonded-accounts/"+testEmsNo+"/state", testOperatorKey, map[string]any{"state": "active"}), 200)
	s.declare(a.key, pid)
}

// bondedAccountItems registers testItemRec and a second record in account emsNo.
func (s *service) bondedAccountItems(emsNo string) {
	s.t.Helper()
	for _, rec := range []map[string]any{
		{"itemRecordNo": testItemRec, "gcode": "8518300000", "gname": "蓝牙耳机", "unit": "007", "legalUnit": "007"},
		{"itemRecordNo": "BA-0002", "gcode": "6109100021", "gname": "棉制针织T恤", "unit": "011", "legalUnit": "011"},
	} {
		it := s.expect(s.do("POST", "/v1/bonded-accounts/"+emsNo+"/items", testOperatorKey, rec), 201)
		if it["onHand"] != "0" || it["available"] != "0" {
			s.t.Fatalf("a new item record holds stock: %v", it)
		}
	}
}

// firstError is the first field error of a bulk answer's first result.
func firstError(res map[string]any) map[string]any {
	r := arr(res["results"])[0].(map[string]any)
	errs := arr(r["errors"])
	if len(errs) == 0 {
		return map[string]any{"status": r["status"]}
	}
	return errs[0].(map[string]any)
}

// A 1210 list names the account's firm, validates against the schema, holds its stock when
// filed and takes it out of the zone when customs releases it; a release applied twice counts
// once.
func TestBonded1210DeclaredAndReleased(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲公司", usccA, "4206360A21")
	s.bondedAccount(exp, testEmsNo, 10)

	scansBefore := s.main.store.Commands().Scans()
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcel1210("XYB1", testEmsNo, testItemRec, "3")), 201)["id"].(string)
	id := s.declare(exp.key, pid)[0]
	d := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200)
	parties := d["inventory"].(map[string]any)["parties"].(map[string]any)
	if parties["iacCode"] != "4206360A21" || parties["iacName"] != "甲公司" {
		t.Fatalf("list parties %v: the warehouse firm is the account's", parties)
	}
	if _, r, _ := s.balance(exp.key, testEmsNo, testItemRec); r != "0" {
		t.Fatalf("a draft holds %s", r)
	}
	beforeSubmit := s.main.store.Commands().Snapshot()
	sub := s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
	// Filing reads the account and reserves with one read and one write of the item's document
	// (its lock stands for the condition on the embedded store), and one ledger insert.
	if got, want := bondedCommands(s, beforeSubmit), map[mongo.CommandKey]uint64{
		{Command: "find", Collection: "bonded_accounts", Filter: "id"}: 1, {Command: "find", Collection: "bonded_stock", Filter: "id"}: 1,
		{Command: "update", Collection: "bonded_stock", Filter: "id"}: 1, {Command: "insert", Collection: "bonded_movements", Filter: "none"}: 1,
	}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bonded store commands for one filing: %v, want %v", got, want)
	}
	guid := sub["guid"].(string)
	if h, r, av := s.balance(exp.key, testEmsNo, testItemRec); h != "10" || r != "3" || av != "7" {
		t.Fatalf("after filing: onHand %s reserved %s available %s", h, r, av)
	}
	// The message carries the account and validates against the official schema.
	msg := s.do("GET", "/v1/declarations/"+id+"/message", exp.key, nil)
	if msg.Status != 200 {
		t.Fatalf("message: %d %s", msg.Status, msg.Body)
	}
	for _, want := range []string{"<ceb:iacCode>4206360A21</ceb:iacCode>", "<ceb:iacName>甲公司</ceb:iacName>",
		"<ceb:emsNo>" + testEmsNo + "</ceb:emsNo>", "<ceb:itemRecordNo>" + testItemRec + "</ceb:itemRecordNo>", "<ceb:tradeMode>1210</ceb:tradeMode>"} {
		if !strings.Contains(string(msg.Body), want) {
			t.Errorf("message lacks %s", want)
		}
	}
	cebtest.Validate(t, msg.Body)

	t0 := time.Now()
	before := s.main.store.Commands().Snapshot()
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "120", t0), inventoryReceipt(t, guid, "800", t0.Add(time.Second))), 200)
	// Store round trips of the account for the release: one read and one write of the item's
	// document, one insert of the ledger line.
	bondedCmds := bondedCommands(s, before)
	want := map[mongo.CommandKey]uint64{{Command: "find", Collection: "bonded_stock", Filter: "id"}: 1,
		{Command: "update", Collection: "bonded_stock", Filter: "id"}: 1, {Command: "insert", Collection: "bonded_movements", Filter: "none"}: 1}
	if fmt.Sprint(bondedCmds) != fmt.Sprint(want) {
		t.Errorf("bonded store commands for one release: %v, want %v", bondedCmds, want)
	}
	if h, r, av := s.balance(exp.key, testEmsNo, testItemRec); h != "7" || r != "0" || av != "7" {
		t.Fatalf("after release: onHand %s reserved %s available %s", h, r, av)
	}
	if scans := s.scansSince(scansBefore); len(scans) > 0 {
		t.Errorf("drafting, filing and releasing a 1210 list sent commands that filter on more than an _id: %v", scans)
	}
	// The release again: the same receipt, a later one, and both at once from two clients.
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "800", t0.Add(time.Second))), 200)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			if r := s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "800", t0.Add(time.Duration(2+g)*time.Second))); r.Status != 200 {
				t.Errorf("receipt: %d %s", r.Status, r.Body)
			}
		}(g)
	}
	wg.Wait()
	if h, r, _ := s.balance(exp.key, testEmsNo, testItemRec); h != "7" || r != "0" {
		t.Fatalf("a release applied again decremented: onHand %s reserved %s", h, r)
	}
	if k := s.ledger(exp.key, testEmsNo, testItemRec); k["receipt"] != 1 || k["reserve"] != 1 || k["release"] != 1 || len(k) != 3 {
		t.Errorf("ledger %v, want one receipt, one reserve, one release", k)
	}
}

// bondedCommands are the commands sent to the bonded collections since before.
func bondedCommands(s *service, before map[mongo.CommandKey]uint64) map[mongo.CommandKey]uint64 {
	out := map[mongo.CommandKey]uint64{}
	for k, n := range s.main.store.Commands().Since(before) {
		if strings.HasPrefix(k.Collection, "bonded_") {
			out[k] = n
		}
	}
	return out
}

// What a 1210 list is refused for, naming the field; a rejected list gives its stock back.
func TestBonded1210Refusals(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲公司", usccA, "4206360A21")
	other := s.register("exporter", "乙公司", usccB, "4206340017")
	s.bondedAccount(exp, testEmsNo, 5)
	s.bondedAccount(other, "T4206W000002", 5)
	s.carrier(carrierCode)
	draft := func(body map[string]any) map[string]any {
		pid := s.expect(s.do("POST", "/v1/parcels", exp.key, body), 201)["id"].(string)
		res := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "inventory", "parcelIds": []any{pid}}), 200)
		return firstError(res)
	}
	for _, c := range []struct {
		body        map[string]any
		code, field string
	}{
		{parcel1210("XYR1", "T4206W999999", testItemRec, "1"), "unknown_bonded_account", "parcelIds[0].parcel.emsNo"},
		{parcel1210("XYR2", "T4206W000002", testItemRec, "1"), "unknown_bonded_account", "parcelIds[0].parcel.emsNo"}, // another firm's
		{parcel1210("XYR3", testEmsNo, "BA-9999", "1"), "unknown_item_record", "parcelIds[0].parcel.items[0].itemRecordNo"},
		{parcel1210("XYR4", testEmsNo, testItemRec, "6"), "insufficient_stock", "parcelIds[0].parcel.items[0].itemRecordNo"},
	} {
		if e := draft(c.body); e["code"] != c.code || e["field"] != c.field {
			t.Errorf("%v: got %v, want %s at %s", c.body["logisticsNo"], e, c.code, c.field)
		}
	}
	wrongUnit := parcel1210("XYR5", testEmsNo, testItemRec, "1")
	wrongUnit["items"].([]any)[0].(map[string]any)["unit"] = "011"
	if e := draft(wrongUnit); e["code"] != "unit_mismatch" || e["field"] != "parcelIds[0].parcel.items[0].unit" {
		t.Errorf("unit: %v", e)
	}

	// Two lists of 3 against a stock of 5: the second is refused when filed, naming the item.
	p1 := s.expect(s.do("POST", "/v1/parcels", exp.key, parcel1210("XYR6", testEmsNo, testItemRec, "3")), 201)["id"].(string)
	p2 := s.expect(s.do("POST", "/v1/parcels", exp.key, parcel1210("XYR7", testEmsNo, testItemRec, "3")), 201)["id"].(string)
	ids := s.declare(exp.key, p1, p2)
	guid := s.expect(s.do("POST", "/v1/declarations/"+ids[0]+"/submit", exp.key, nil), 202)["guid"].(string)
	r := s.do("POST", "/v1/declarations/"+ids[1]+"/submit", exp.key, nil)
	s.expectProblem(r, 409, "insufficient_stock", "parcel.items[0].itemRecordNo")
	if !strings.Contains(string(r.Body), "2 available, 3 requested") || !strings.Contains(string(r.Body), testItemRec) {
		t.Errorf("the refusal names the item and the quantities: %s", r.Body)
	}
	if d := s.expect(s.do("GET", "/v1/declarations/"+ids[1], exp.key, nil), 200); d["status"] != "draft" {
		t.Errorf("a refused list is %v, want still a draft", d["status"])
	}
	// Customs rejects the first: its reservation comes back, once.
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "100", time.Now())), 200)
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "100", time.Now())), 200)
	if h, res, av := s.balance(exp.key, testEmsNo, testItemRec); h != "5" || res != "0" || av != "5" {
		t.Fatalf("after rejection: onHand %s reserved %s available %s", h, res, av)
	}
	s.expect(s.do("POST", "/v1/declarations/"+ids[1]+"/submit", exp.key, nil), 202) // now it fits
	if k := s.ledger(exp.key, testEmsNo, testItemRec); k["reserve"] != 2 || k["unreserve"] != 1 || k["release"] != 0 {
		t.Errorf("ledger %v", k)
	}
}

// 100 lists of one piece filed at once against a stock of 60: exactly 60 are filed, the rest
// refused insufficient_stock; released, they leave a balance of 0, never below.
func TestBondedConcurrentFilingsNeverOversell(t *testing.T) {
	t.Parallel()
	// 100 submissions at once share the embedded store's single connection with the other
	// parallel tests; under the race detector the last may wait past the default 30 s request
	// timeout (as in TestConcurrentBookingsNeverOversell). This test is about what is stored.
	env := dxpCustoms(t)
	env["SILKGATE_REQUEST_TIMEOUT"] = "10m"
	s := startService(t, env)
	exp := s.register("exporter", "甲公司", usccA, "4206360A21")
	s.bondedAccount(exp, testEmsNo, 60)
	batch := make([]any, 100)
	for i := range batch {
		batch[i] = parcel1210(fmt.Sprintf("XYK%03d", i), testEmsNo, testItemRec, "1")
	}
	res := s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
	var pids []string
	for _, r := range arr(res["results"]) {
		pids = append(pids, r.(map[string]any)["id"].(string))
	}
	ids := s.declare(exp.key, pids...)

	var ok, refused atomic.Int32
	guids := make([]string, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id string) {
			defer wg.Done()
			r := s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil)
			switch r.Status {
			case http.StatusAccepted:
				ok.Add(1)
				guids[i] = r.JSON(t)["guid"].(string)
			case http.StatusConflict:
				if p := r.JSON(t); p["code"] == "insufficient_stock" {
					refused.Add(1)
					return
				}
				t.Errorf("submit %s: %s", id, r.Body)
			default:
				t.Errorf("submit %s: %d %s", id, r.Status, r.Body)
			}
		}(i, id)
	}
	wg.Wait()
	if ok.Load() != 60 || refused.Load() != 40 {
		t.Fatalf("%d filed, %d refused; want exactly 60 and 40", ok.Load(), refused.Load())
	}
	if h, r, av := s.balance(exp.key, testEmsNo, testItemRec); h != "60" || r != "60" || av != "0" {
		t.Fatalf("after filing: onHand %s reserved %s available %s", h, r, av)
	}
	// Customs releases the 60, in two bodies sent at once.
	var docs [2][][]byte
	t0 := time.Now()
	n := 0
	for _, g := range guids {
		if g != "" {
			docs[n%2] = append(docs[n%2], inventoryReceipt(t, g, "800", t0))
			n++
		}
	}
	before := s.main.store.Commands().Snapshot()
	for _, body := range docs {
		wg.Add(1)
		go func(body [][]byte) {
			defer wg.Done()
			if r := s.postReceipts(testOperatorKey, body...); r.Status != 200 {
				t.Errorf("receipts: %d %s", r.Status, r.Body)
			}
		}(body)
	}
	wg.Wait()
	// Each body's 30 releases of the item are one read-change-write of its document and one
	// ledger insert.
	if got, want := bondedCommands(s, before), map[mongo.CommandKey]uint64{
		{Command: "find", Collection: "bonded_stock", Filter: "id"}: 2, {Command: "update", Collection: "bonded_stock", Filter: "id"}: 2,
		{Command: "insert", Collection: "bonded_movements", Filter: "none"}: 2,
	}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bonded store commands for two bodies of 30 releases: %v, want %v", got, want)
	}
	if h, r, av := s.balance(exp.key, testEmsNo, testItemRec); h != "0" || r != "0" || av != "0" {
		t.Fatalf("after release: onHand %s reserved %s available %s", h, r, av)
	}
	if k := s.ledger(exp.key, testEmsNo, testItemRec); k["receipt"] != 1 || k["reserve"] != 60 || k["release"] != 60 || k["unreserve"] != 0 {
		t.Errorf("ledger %v, want 1 receipt, 60 reserve, 60 release", k)
	}
}

// The demo bonded account lets a 1210 parcel be declared end to end on a fresh service, and
// starting again books nothing twice.
func TestBondedDemoAccount(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"SILKGATE_DEMO": "true", "SILKGATE_SIM_STEP": "5ms",
		"SILKGATE_SIM_REVIEW_SHARE": "0", "SILKGATE_SIM_INSPECTION_SHARE": "0"})
	const exp, emsNo = "demo-exporter-silkroad-key", "T4700W000001"
	acc := s.expect(s.do("GET", "/v1/bonded-accounts/"+emsNo, exp, nil), 200)
	if acc["iacName"] != "襄阳丝路跨境电商有限公司" || acc["itemRecords"].(float64) != 3 {
		t.Fatalf("demo account %v", acc)
	}
	s.restart()
	if h, _, _ := s.balance(exp, emsNo, "SR-EB-001"); h != "500" {
		t.Fatalf("demo stock %s after a second start, want 500", h)
	}
	body := parcel1210("XYD1", emsNo, "SR-EB-001", "2")
	body["logisticsCode"] = "4206980001" // the demo carrier
	pid := s.expect(s.do("POST", "/v1/parcels", exp, body), 201)["id"].(string)
	res := s.expect(s.do("POST", "/v1/declarations", exp, map[string]any{"kind": "inventory", "parcelIds": []any{pid}}), 200)
	id := arr(res["results"])[0].(map[string]any)["id"].(string)
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp, nil), 202)
	eventually(t, "the 1210 list is released", func() bool {
		return s.expect(s.do("GET", "/v1/declarations/"+id, exp, nil), 200)["status"] == "released"
	})
	eventually(t, "the release leaves the zone", func() bool {
		h, r, _ := s.balance(exp, emsNo, "SR-EB-001")
		return h == "498" && r == "0"
	})
	if k := s.ledger(exp, emsNo, "SR-EB-001"); k["receipt"] != 1 || k["reserve"] != 1 || k["release"] != 1 {
		t.Errorf("demo ledger %v", k)
	}
}

// A 1210 list cancelled (CEB605 approved) before customs released it gives its stock back.
func TestBondedCancelledListGivesStockBack(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲公司", usccA, "4206360A21")
	s.bondedAccount(exp, testEmsNo, 5)
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcel1210("XYC1", testEmsNo, testItemRec, "2")), 201)["id"].(string)
	id := s.declare(exp.key, pid)[0]
	guid := s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)["guid"].(string)
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "120", time.Now())), 200)
	if _, r, av := s.balance(exp.key, testEmsNo, testItemRec); r != "2" || av != "3" {
		t.Fatalf("accepted list: reserved %s available %s", r, av)
	}
	s.cancelApproved(exp.key, id)
	eventually(t, "the cancelled list's stock comes back", func() bool {
		h, r, av := s.balance(exp.key, testEmsNo, testItemRec)
		return h == "5" && r == "0" && av == "5"
	})
	if k := s.ledger(exp.key, testEmsNo, testItemRec); k["reserve"] != 1 || k["unreserve"] != 1 || k["release"] != 0 {
		t.Errorf("ledger %v", k)
	}
}

// A list cancelled after its release: the release is withdrawn, the goods never left the zone,
// and what the release took from the account comes back on hand — once, however often the
// approval is applied.
func TestBondedListCancelledAfterReleaseReturnsItsStock(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲公司", usccA, "4206360A21")
	s.bondedAccount(exp, testEmsNo, 5)
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcel1210("XYC2", testEmsNo, testItemRec, "2")), 201)["id"].(string)
	id := s.declare(exp.key, pid)[0]
	guid := s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)["guid"].(string)
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "800", time.Now())), 200)
	s.waitForStatus(exp.key, id, "released")
	eventually(t, "the release takes the stock", func() bool {
		h, r, av := s.balance(exp.key, testEmsNo, testItemRec)
		return h == "3" && r == "0" && av == "3"
	})
	doc := s.cancelApproved(exp.key, id)
	s.expect(s.postReceipts(testOperatorKey, doc), 200) // the approval again
	eventually(t, "the withdrawn release's stock comes back", func() bool {
		h, r, av := s.balance(exp.key, testEmsNo, testItemRec)
		return h == "5" && r == "0" && av == "5"
	})
	if k := s.ledger(exp.key, testEmsNo, testItemRec); k["release"] != 1 || k["return"] != 1 {
		t.Errorf("ledger %v", k)
	}
	eventually(t, "the parcel's release is withdrawn", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "withdrawn"
	})
}

// cancelApproved files the cancellation of list id and posts customs' approval (CEB606 399); it
// returns the approval and waits for the list to be cancelled.
func (s *service) cancelApproved(key, id string) []byte {
	s.t.Helper()
	c := s.expect(s.do("POST", "/v1/declarations", key, map[string]any{"kind": "cancel", "declarationId": id, "reason": "买家取消订单 order withdrawn"}), 201)
	cguid := s.expect(s.do("POST", "/v1/declarations/"+c["id"].(string)+"/submit", key, nil), 202)["guid"].(string)
	doc, err := ceb.Marshal(&ceb.CEB606Message{GUID: ceb.NewGUID(), InvtCancelReturns: []ceb.InvtCancelReturn{{
		GUID: cguid, AgentCode: "4206360A21", CopNo: "SG2", PreNo: "B20261125000000043", InvtNo: "47002026E000000042",
		ReturnResult: ceb.ReturnResult{ReturnStatus: "399", ReturnTime: ceb.FormatReturnTime(time.Now()), ReturnInfo: "撤销审核通过 approved"},
	}}})
	if err != nil {
		s.t.Fatal(err)
	}
	s.expect(s.postReceipts(testOperatorKey, doc), 200)
	s.waitForStatus(key, id, "cancelled")
	return doc
}

// A 1210 list that ends in an error (a negative return status) leaves its parcel declarable; the
// list declared next holds the stock, and the first one's reservation is given back — the
// parcel's stock is never held twice.
func TestBondedRedeclaredParcelHoldsItsStockOnce(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲公司", usccA, "4206360A21")
	s.bondedAccount(exp, testEmsNo, 5)
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcel1210("XYE1", testEmsNo, testItemRec, "2")), 201)["id"].(string)
	first := s.declare(exp.key, pid)[0]
	guid := s.expect(s.do("POST", "/v1/declarations/"+first+"/submit", exp.key, nil), 202)["guid"].(string)
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "-1", time.Now())), 200)
	s.waitForStatus(exp.key, first, "error")
	eventually(t, "the parcel may be declared again", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "rejected"
	})
	second := s.declare(exp.key, pid)[0]
	if second == first {
		t.Fatalf("declared again under the same list %s", first)
	}
	s.expect(s.do("POST", "/v1/declarations/"+second+"/submit", exp.key, nil), 202)
	if h, r, av := s.balance(exp.key, testEmsNo, testItemRec); h != "5" || r != "2" || av != "3" {
		t.Errorf("after the second filing: onHand %s reserved %s available %s, want 5 2 3", h, r, av)
	}
	if k := s.ledger(exp.key, testEmsNo, testItemRec); k["reserve"] != 2 || k["unreserve"] != 1 {
		t.Errorf("ledger %v", k)
	}
}
