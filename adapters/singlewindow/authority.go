package singlewindow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/domain/code"
)

// Ledger is the simulated authority's memory: values under keys, in a store of its own that
// stands for customs' database (mongo.CustomsAuthority). Remember replaces.
type Ledger interface {
	Recall(ctx context.Context, keys ...string) (map[string][]byte, error)
	Remember(ctx context.Context, entries map[string][]byte) error
}

// What the authority remembers (docs/customs.md §3.4), by key:
//
//	order|<ebpCode>|<orderNo>            an accepted order (CEB303): its value and currency
//	payment|<ebpCode>|<orderNo>          an accepted payment receipt (CEB403): charge, currency
//	waybill|<logisticsCode>|<logisticsNo> an accepted waybill (CEB505)
//	list|<logisticsCode>|<logisticsNo>   an inventory list it holds: waiting for its documents,
//	                                     released, rejected or closed, with what it needs to
//	                                     answer for it later
//	orderlist|<ebpCode>|<orderNo>        which list names this order (the key of its list entry)
//
// The memory is written through a cache: the authority is one process (the simulator answers
// one service), its Send calls are serialised, and it is the only writer, so what it holds in
// memory is what the store holds. After a restart the cache starts empty and the store answers.

func orderKey(ebpCode, orderNo string) string     { return "order|" + ebpCode + "|" + orderNo }
func paymentKey(ebpCode, orderNo string) string   { return "payment|" + ebpCode + "|" + orderNo }
func waybillKey(logisticsCode, no string) string  { return "waybill|" + logisticsCode + "|" + no }
func listKey(logisticsCode, no string) string     { return "list|" + logisticsCode + "|" + no }
func orderListKey(ebpCode, orderNo string) string { return "orderlist|" + ebpCode + "|" + orderNo }
func keyOfList(h ceb.InventoryHead) string        { return listKey(h.LogisticsCode, h.LogisticsNo) }
func documentKeys(h ceb.InventoryHead) [3]string {
	return documentKeysOf(h.EbpCode, h.OrderNo, h.LogisticsCode, h.LogisticsNo)
}
func documentKeysOf(ebp, order, lc, ln string) [3]string {
	return [3]string{orderKey(ebp, order), paymentKey(ebp, order), waybillKey(lc, ln)}
}

// knownDocument is an accepted order, payment or waybill.
type knownDocument struct {
	GUID     string    `json:"guid"`
	AppTime  time.Time `json:"appTime"`         // when it was filed: an older filing never replaces a newer one
	Value    string    `json:"value,omitempty"` // order: goodsValue; payment: charge
	Currency string    `json:"currency,omitempty"`
	EbcCode  string    `json:"ebcCode,omitempty"`
}

// List states.
const (
	listWaiting  = "waiting"  // accepted (120), waiting for its documents
	listReleased = "released" // 800 sent
	listRejected = "rejected" // 100 sent
	listClosed   = "closed"   // 899 sent after departure
)

// heldList is an inventory list the authority holds: enough to answer for it later.
type heldList struct {
	State          string    `json:"state"`
	GUID           string    `json:"guid"`
	AgentCode      string    `json:"agentCode"`
	CopNo          string    `json:"copNo"`
	EbcCode        string    `json:"ebcCode"`
	EbpCode        string    `json:"ebpCode"`
	OrderNo        string    `json:"orderNo"`
	LogisticsCode  string    `json:"logisticsCode"`
	LogisticsNo    string    `json:"logisticsNo"`
	StatisticsFlag string    `json:"statisticsFlag"`
	AppTime        time.Time `json:"appTime"`
	PreNo          string    `json:"preNo"`
	InvtNo         string    `json:"invtNo"`
	Total          string    `json:"total"` // Σ totalPrice of the lines
	Freight        string    `json:"freight"`
	Currency       string    `json:"currency"`
	Reason         string    `json:"reason,omitempty"` // why it was rejected
	Review         bool      `json:"review,omitempty"`
	Inspect        bool      `json:"inspect,omitempty"`
	// Base is the time the steps after acceptance were planned from (the list's appTime, or
	// the appTime of the document that completed it), and After their first index: a list sent
	// again is answered with the very same receipts.
	Base  time.Time `json:"base,omitzero"`
	After int       `json:"after,omitempty"`
}

// memory is the authority's write-through cache over its Ledger. It is used under the
// simulator's send lock only.
type memory struct {
	ledger Ledger
	cache  map[string][]byte
	dirty  map[string][]byte // written since the last flush: never forgotten before it is stored
}

// maxCached bounds the cache; past it, the cache starts over (the store still has everything).
const maxCached = 200_000

func newMemory(l Ledger) *memory {
	return &memory{ledger: l, cache: map[string][]byte{}, dirty: map[string][]byte{}}
}

// recall reads the values of keys: what this batch wrote, else the cache, else the store. A key
// found nowhere is absent from the answer.
func (m *memory) recall(ctx context.Context, keys ...string) (map[string][]byte, error) {
	out := map[string][]byte{}
	var missing []string
	for _, k := range keys {
		if v, ok := m.dirty[k]; ok {
			out[k] = v
			continue
		}
		if v, ok := m.cache[k]; ok {
			if v != nil {
				out[k] = v
			}
			continue
		}
		missing = append(missing, k)
	}
	if len(missing) == 0 || m.ledger == nil {
		return out, nil
	}
	got, err := m.ledger.Recall(ctx, missing...)
	if err != nil {
		return nil, err
	}
	m.room(len(missing))
	for _, k := range missing {
		m.cache[k] = got[k] // nil remembers "not there" until written
		if got[k] != nil {
			out[k] = got[k]
		}
	}
	return out, nil
}

func (m *memory) room(n int) {
	if len(m.cache)+n > maxCached {
		clear(m.cache)
	}
}

// put notes a value; flush writes what was put.
func (m *memory) put(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	m.room(1)
	m.cache[key] = b
	m.dirty[key] = b
	return nil
}

// flush writes everything put since the last flush, in one bulk write. On failure the cache is
// dropped, so that nothing is believed that the store does not hold.
func (m *memory) flush(ctx context.Context) error {
	if len(m.dirty) == 0 || m.ledger == nil {
		clear(m.dirty)
		return nil
	}
	err := m.ledger.Remember(ctx, m.dirty)
	if err != nil {
		clear(m.cache)
	}
	clear(m.dirty)
	return err
}

func decodeInto[T any](raw map[string][]byte, key string) (T, bool) {
	var v T
	b, ok := raw[key]
	if !ok {
		return v, false
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, false
	}
	return v, true
}

// listTotal is the sum of a list's line totals.
func listTotal(lines []ceb.InventoryList) code.Decimal {
	var sum code.Decimal
	for _, l := range lines {
		if d, err := code.ParseDecimal(string(l.TotalPrice)); err == nil {
			sum = sum.Add(d)
		}
	}
	return sum
}

func sameAmount(a, b string) bool {
	x, err1 := code.ParseDecimal(a)
	y, err2 := code.ParseDecimal(b)
	return err1 == nil && err2 == nil && x.Sub(y).Abs().Cmp(code.MustDecimal("0.01")) <= 0
}

// documentNames are the Chinese and English names of the three documents, for receipts.
var documentNames = map[string]string{"order": "订单 order", "payment": "收款单 payment receipt", "waybill": "运单 waybill"}

// matchDocuments is the 三单对碰 of one list against the documents the authority holds: the
// documents missing (by name, in order) and, when all are there, what disagrees ("" if nothing).
func matchDocuments(l heldList, raw map[string][]byte) (missing []string, disagreement string) {
	keys := documentKeysOf(l.EbpCode, l.OrderNo, l.LogisticsCode, l.LogisticsNo)
	order, hasOrder := decodeInto[knownDocument](raw, keys[0])
	payment, hasPayment := decodeInto[knownDocument](raw, keys[1])
	_, hasWaybill := decodeInto[knownDocument](raw, keys[2])
	for _, d := range []struct {
		name string
		ok   bool
	}{{"order", hasOrder}, {"payment", hasPayment}, {"waybill", hasWaybill}} {
		if !d.ok {
			missing = append(missing, d.name)
		}
	}
	var why []string
	if hasOrder {
		if order.EbcCode != "" && order.EbcCode != l.EbcCode {
			why = append(why, "订单电商企业"+order.EbcCode+"与清单"+l.EbcCode+"不符 order ebcCode differs from the list's")
		}
		if order.Currency != l.Currency {
			why = append(why, "订单币制"+order.Currency+"与清单"+l.Currency+"不符 order currency differs from the list's")
		} else if !sameAmount(order.Value, l.Total) {
			why = append(why, "订单商品价格"+order.Value+"与清单总价"+l.Total+"不符 order goodsValue differs from the list's total")
		}
	}
	if hasPayment {
		want := l.Total
		if t, err := code.ParseDecimal(l.Total); err == nil {
			if f, err := code.ParseDecimal(l.Freight); err == nil {
				want = t.Add(f).String()
			}
		}
		switch {
		case payment.Currency != l.Currency:
			why = append(why, "收款币制"+payment.Currency+"与清单"+l.Currency+"不符 payment currency differs from the list's")
		case !sameAmount(payment.Value, want):
			why = append(why, "收款金额"+payment.Value+"与清单应收"+want+"不符 payment charge differs from goods value plus freight")
		}
	}
	return missing, strings.Join(why, "; ")
}

func missingReason(missing []string) string {
	var zh, en []string
	for _, m := range missing {
		n := strings.SplitN(documentNames[m], " ", 2)
		zh, en = append(zh, n[0]), append(en, n[1])
	}
	return "三单不全, 缺少" + strings.Join(zh, "、") + " missing " + strings.Join(en, ", ")
}

// listReceipt is a CEB604 about a held list.
func listReceipt(l heldList, status, info, invtNo string, at time.Time) ([]byte, error) {
	return ceb.Marshal(&ceb.CEB604Message{GUID: envelopeGUID(l.GUID, status), InventoryReturns: []ceb.InventoryReturn{{
		GUID: l.GUID, AgentCode: l.AgentCode, CopNo: l.CopNo, PreNo: l.PreNo, InvtNo: invtNo,
		EbcCode: l.EbcCode, EbpCode: l.EbpCode, OrderNo: l.OrderNo, StatisticsFlag: l.StatisticsFlag,
		ReturnResult: ceb.ReturnResult{ReturnStatus: status, ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: info},
	}}})
}

// step is one receipt status of a list's path, with its information and whether it carries the
// list number.
type step struct{ status, info, invtNo string }

// releaseSteps are a matched list's steps after acceptance: review or inspection, then release.
func releaseSteps(l heldList) []step {
	var steps []step
	if l.Inspect {
		steps = append(steps, step{"500", "布控查验", l.InvtNo})
	} else if l.Review {
		steps = append(steps, step{"300", "人工审核", l.InvtNo}, step{"399", "人工审核通过", l.InvtNo})
	}
	return append(steps, step{"800", "放行", l.InvtNo})
}

// planSteps turns steps into receipts timed from base (the i-th one step after the i-1-th).
func (s *Simulator) planSteps(l heldList, base time.Time, first int, steps []step) ([]receipt, error) {
	var out []receipt
	for i, st := range steps {
		delay, at := s.timing(base, first+i)
		doc, err := listReceipt(l, st.status, st.info, st.invtNo, at)
		if err != nil {
			return nil, err
		}
		out = append(out, receipt{doc: doc, delay: delay})
	}
	return out, nil
}

// documents answers CEB303, CEB403 and CEB505 messages: each document is checked (schema, its
// owner registered with customs) and accepted — 120 for an order or a payment receipt, 399 for
// a waybill, as the specification's receipts say — and remembered; a list that was waiting for
// it is matched again and, when its documents are complete and agree, released (or rejected
// when they disagree).
func (s *Simulator) documents(ctx context.Context, m messageOf) ([]receipt, error) {
	var plan []receipt
	for _, d := range m.docs {
		ok, err := s.ownerRegistered(ctx, d.owner)
		if err != nil {
			return nil, err
		}
		steps := [][2]string{{"2", "电子口岸已暂存, 申报中"}, {d.accepted, d.acceptedInfo}}
		if !ok {
			steps = [][2]string{{"2", "电子口岸已暂存, 申报中"}, {"100", fmt.Sprintf("企业%s未在海关备案 %s is not registered with customs", d.owner, d.owner)}}
		}
		for i, st := range steps {
			delay, at := s.timing(d.appTime, i)
			doc, err := d.receipt(st[0], st[1], at)
			if err != nil {
				return nil, err
			}
			plan = append(plan, receipt{doc: doc, delay: delay})
		}
		if !ok {
			continue
		}
		// A filing sent again after a newer one (a relay behind a correction) changes nothing.
		raw, err := s.mem.recall(ctx, d.key)
		if err != nil {
			return nil, err
		}
		if held, ok := decodeInto[knownDocument](raw, d.key); ok && held.GUID != d.known.GUID && held.AppTime.After(d.known.AppTime) {
			continue
		}
		if err := s.mem.put(d.key, d.known); err != nil {
			return nil, err
		}
		more, err := s.releaseWaiting(ctx, d.listKey, d.appTime, len(steps))
		if err != nil {
			return nil, err
		}
		plan = append(plan, more...)
	}
	return plan, nil
}

// releaseWaiting matches the list waiting under key (if any) again, now that a document came at
// appTime, and plans what follows: release, or rejection when the documents disagree.
func (s *Simulator) releaseWaiting(ctx context.Context, key string, appTime time.Time, after int) ([]receipt, error) {
	if key == "" {
		return nil, nil
	}
	raw, err := s.mem.recall(ctx, key)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(key, "orderlist|") { // a pointer to the list
		k, ok := raw[key]
		if !ok {
			return nil, nil
		}
		var target string
		if json.Unmarshal(k, &target) != nil {
			return nil, nil
		}
		return s.releaseWaiting(ctx, target, appTime, after)
	}
	l, ok := decodeInto[heldList](raw, key)
	if !ok || l.State != listWaiting {
		return nil, nil
	}
	keys := documentKeysOf(l.EbpCode, l.OrderNo, l.LogisticsCode, l.LogisticsNo)
	docs, err := s.mem.recall(ctx, keys[:]...)
	if err != nil {
		return nil, err
	}
	missing, disagreement := matchDocuments(l, docs)
	base := appTime
	if l.AppTime.After(base) {
		base = l.AppTime
	}
	var steps []step
	switch {
	case disagreement != "":
		l.State, l.Reason = listRejected, "海关退单: 三单对碰不符 documents disagree: "+disagreement
		steps = []step{{"100", l.Reason, ""}}
	case len(missing) > 0:
		return nil, nil // still waiting
	default:
		l.State = listReleased
		steps = releaseSteps(l)
	}
	l.Base, l.After = base, after
	if err := s.mem.put(key, l); err != nil {
		return nil, err
	}
	return s.planSteps(l, base, after, steps)
}

// ownerRegistered asks whether the firm a document is filed for is registered.
func (s *Simulator) ownerRegistered(ctx context.Context, owner string) (bool, error) {
	if s.registered == nil {
		return true, nil
	}
	return s.isRegistered(ctx, owner)
}

// orderOwner is the firm an order is filed for: its platform, or the seller when the platform is
// a foreign one without a customs code ("无").
func orderOwner(h ceb.OrderHead) string {
	if h.EbpCode == code.NoPlatformCode {
		return h.EbcCode
	}
	return h.EbpCode
}

// incomingDocument is one order, payment receipt or waybill as the authority reads it.
type incomingDocument struct {
	key          string // where it is remembered
	listKey      string // where the list that names it is found
	owner        string // the firm it is filed for
	appTime      time.Time
	known        knownDocument
	accepted     string // the return status that accepts it
	acceptedInfo string
	receipt      func(status, info string, at time.Time) ([]byte, error)
}

// messageOf is a document message read into its documents.
type messageOf struct{ docs []incomingDocument }

// readDocuments reads a CEB303, CEB403 or CEB505 message; one that fails the schema is
// answered with CEB900 (formatError, returned as plan).
func (s *Simulator) readDocuments(typ string, data []byte) (messageOf, []receipt, error) {
	var out messageOf
	var msg ceb.Message
	var err error
	switch typ {
	case "CEB303":
		msg, err = ceb.ParseCEB303(data)
	case "CEB403":
		msg, err = ceb.ParseCEB403(data)
	case "CEB505":
		msg, err = ceb.ParseCEB505(data)
	}
	if err != nil {
		return out, nil, err
	}
	if verr := ceb.Validate(msg); verr != nil {
		guid, cop := rootOf(msg)
		plan, err := s.formatError(guid, typ, cop, verr)
		return out, plan, err
	}
	switch m := msg.(type) {
	case *ceb.CEB303Message:
		for _, o := range m.Orders {
			h := o.Head
			t, err := ceb.ParseAppTime(h.AppTime)
			if err != nil {
				return out, nil, err
			}
			out.docs = append(out.docs, incomingDocument{key: orderKey(h.EbpCode, h.OrderNo), listKey: orderListKey(h.EbpCode, h.OrderNo),
				owner: orderOwner(h), appTime: t, accepted: "120", acceptedInfo: "订单入库成功 order accepted",
				known: knownDocument{GUID: h.GUID, AppTime: t, Value: string(h.GoodsValue), Currency: h.Currency, EbcCode: h.EbcCode},
				receipt: func(status, info string, at time.Time) ([]byte, error) {
					return ceb.Marshal(&ceb.CEB304Message{GUID: envelopeGUID(h.GUID, status), OrderReturns: []ceb.OrderReturn{{
						GUID: h.GUID, EbpCode: h.EbpCode, EbcCode: h.EbcCode, OrderNo: h.OrderNo,
						ReturnResult: ceb.ReturnResult{ReturnStatus: status, ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: info}}}})
				}})
		}
	case *ceb.CEB403Message:
		for _, r := range m.Receipts {
			t, err := ceb.ParseAppTime(r.AppTime)
			if err != nil {
				return out, nil, err
			}
			out.docs = append(out.docs, incomingDocument{key: paymentKey(r.EbpCode, r.OrderNo), listKey: orderListKey(r.EbpCode, r.OrderNo),
				owner: orElse(r.PayCode, r.EbcCode), appTime: t, accepted: "120", acceptedInfo: "收款单入库成功 payment receipt accepted",
				known: knownDocument{GUID: r.GUID, AppTime: t, Value: string(r.Charge), Currency: r.Currency, EbcCode: r.EbcCode},
				receipt: func(status, info string, at time.Time) ([]byte, error) {
					return ceb.Marshal(&ceb.CEB404Message{GUID: envelopeGUID(r.GUID, status), ReceiptsReturns: []ceb.ReceiptsReturn{{
						GUID: r.GUID, EbcCode: r.EbcCode, OrderNo: r.OrderNo, PayNo: r.PayNo,
						ReturnResult: ceb.ReturnResult{ReturnStatus: status, ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: info}}}})
				}})
		}
	case *ceb.CEB505Message:
		for _, w := range m.Logistics {
			t, err := ceb.ParseAppTime(w.AppTime)
			if err != nil {
				return out, nil, err
			}
			out.docs = append(out.docs, incomingDocument{key: waybillKey(w.LogisticsCode, w.LogisticsNo), listKey: listKey(w.LogisticsCode, w.LogisticsNo),
				owner: w.LogisticsCode, appTime: t, accepted: "399", acceptedInfo: "运单审结 waybill accepted",
				known: knownDocument{GUID: w.GUID, AppTime: t, Currency: w.Currency, EbcCode: w.EbcCode},
				receipt: func(status, info string, at time.Time) ([]byte, error) {
					return ceb.Marshal(&ceb.CEB506Message{GUID: envelopeGUID(w.GUID, status), LogisticsReturns: []ceb.LogisticsReturn{{
						GUID: w.GUID, LogisticsCode: w.LogisticsCode, LogisticsNo: w.LogisticsNo,
						ReturnResult: ceb.ReturnResult{ReturnStatus: status, ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: info}}}})
				}})
		}
	}
	return out, nil, nil
}

// rootOf is a declaration message's guid and transmitting firm.
func rootOf(m ceb.Message) (guid, copCode string) {
	switch m := m.(type) {
	case *ceb.CEB303Message:
		return m.GUID, m.BaseTransfer.CopCode
	case *ceb.CEB403Message:
		return m.GUID, m.BaseTransfer.CopCode
	case *ceb.CEB505Message:
		return m.GUID, m.BaseTransfer.CopCode
	}
	return "", ""
}

// isDocument tells the message types of the three documents, which a batch answers first so
// that the lists they complete find them.
func isDocument(typ string) bool { return typ == "CEB303" || typ == "CEB403" || typ == "CEB505" }
