package singlewindow

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
)

// SimulatorConfig tunes the simulated customs authority.
type SimulatorConfig struct {
	Seed             uint64        // with a filing's guid, decides everything: same seed, same answers
	Step             time.Duration // time between successive receipts of one filing
	ReviewShare      float64       // share of accepted lists sent to manual review (300 → 399)
	InspectionShare  float64       // share of accepted lists inspected (500)
	HighRiskHeadings []string      // 4-digit HS headings always inspected (e.g. 8507 lithium batteries)
	DuplicateRate    float64       // chance that a receipt is delivered twice
	ReorderRate      float64       // chance that a receipt is delivered after the next one
	District         string        // the customs district numbering lists and declarations
	// Delivery is how often the service fetches what customs answered: receipts that fall due
	// within one such window reach it together, as one receipt task (0: each on its own).
	Delivery time.Duration
	// MatchDocuments makes the authority match every list against its order, payment receipt
	// and waybill (三单对碰) before it releases it, as customs does for 9610 / 1210 export.
	MatchDocuments bool
	// DocumentWait is how long a list whose documents are missing waits for them (from its
	// appTime) before it is rejected naming them; 0 rejects it at once.
	DocumentWait time.Duration
	// Ledger is the authority's own memory (its collection); nil keeps it in this process only.
	Ledger Ledger
}

// PartyCheck tells whether a customs code or USCC names a firm registered with customs.
type PartyCheck func(ctx context.Context, code string) (bool, error)

// Simulator is the simulated customs authority behind the CustomsGateway port. It reads what
// it is sent with the same codec the service writes with, checks it like customs would (schema,
// mandatory fields, HS headings, line totals, registered parties), and answers with realistic
// receipt sequences delivered later as receipt tasks — sometimes twice, sometimes out of order.
//
// Like customs it keeps state (SimulatorConfig.Ledger, a collection of its own): the orders,
// payment receipts and waybills it accepted, against which it matches every list (三单对碰), and
// the lists it holds — waiting for their documents, released, closed after departure. Every
// random decision and every number is derived from the seed and the filing's guid, and receipt
// times from the appTime of the filing (or of the document that completed a waiting list), so
// sending the same message again produces the very same receipts, which the service recognises
// as duplicates — the service may re-send whatever it is unsure about (after a crash, a lost
// queue) without harm. Send calls are serialised: the authority is one process, and a list
// and its last document must not pass each other unseen.
type Simulator struct {
	sendMu     sync.Mutex
	mem        *memory
	cfg        SimulatorConfig
	queue      app.Queue
	registered PartyCheck
	log        *slog.Logger
	// known remembers, for a while, the codes found registered: customs' registry of firms
	// changes rarely, and a filing names the same few parties again and again. A code found
	// unregistered is asked again every time, so a firm registered a moment ago is not refused.
	knownMu sync.Mutex
	known   map[string]time.Time // code → until when it is taken as registered
}

// registeredFor is how long a code found registered is not asked again.
const registeredFor = time.Minute

var _ app.CustomsGateway = (*Simulator)(nil)

// NewSimulator returns the simulated authority; receipts go to queue as receipt tasks.
func NewSimulator(cfg SimulatorConfig, queue app.Queue, registered PartyCheck, log *slog.Logger) *Simulator {
	if cfg.District == "" {
		cfg.District = "4700"
	}
	return &Simulator{cfg: cfg, queue: queue, registered: registered, log: log, known: map[string]time.Time{},
		mem: newMemory(cfg.Ledger)}
}

// isRegistered asks the party check, or remembers its recent yes.
func (s *Simulator) isRegistered(ctx context.Context, code string) (bool, error) {
	now := time.Now()
	s.knownMu.Lock()
	until, ok := s.known[code]
	s.knownMu.Unlock()
	if ok && now.Before(until) {
		return true, nil
	}
	yes, err := s.registered(ctx, code)
	if err != nil || !yes {
		return false, err
	}
	s.knownMu.Lock()
	if len(s.known) >= 10_000 {
		clear(s.known)
	}
	s.known[code] = now.Add(registeredFor)
	s.knownMu.Unlock()
	return true, nil
}

// receipt is one planned answer: a whole receipt document and when customs "sends" it.
type receipt struct {
	doc   []byte
	delay time.Duration
}

// Send answers messages. A message it cannot read at all is an error for the caller (nothing
// sensible can be answered without a guid); one that fails the schema is answered with CEB900.
// The receipts of all the messages are delivered in as few receipt tasks as their times allow:
// those due within one Delivery window travel together.
//
// Documents are answered before the lists of the same batch, so that a list filed together
// with its documents finds them. What the authority learnt is stored before any receipt leaves.
func (s *Simulator) Send(ctx context.Context, ms ...app.OutgoingMessage) error {
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, func(a, b app.OutgoingMessage) int {
		return cmp.Compare(boolRank(!isDocument(a.Type)), boolRank(!isDocument(b.Type)))
	})
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	var plan []receipt
	for _, m := range ms {
		one, err := s.answer(ctx, m)
		if err != nil {
			clear(s.mem.dirty)
			clear(s.mem.cache) // what was noted for this batch is not stored: forget it
			return fmt.Errorf("simulated customs: %s %s: %w", m.Type, m.GUID, err)
		}
		plan = append(plan, one...)
	}
	if err := s.mem.flush(ctx); err != nil {
		return fmt.Errorf("simulated customs: remember: %w", err)
	}
	return s.deliver(ctx, plan)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// answer plans the receipts of one message.
func (s *Simulator) answer(ctx context.Context, m app.OutgoingMessage) ([]receipt, error) {
	switch m.Type {
	case "CEB603":
		return s.inventory(ctx, m.XML)
	case "CEB605":
		return s.cancel(m.XML)
	case "CEB701":
		return s.summary(ctx, m.XML)
	case "CEB509":
		return s.departure(ctx, m.XML)
	case "DEC":
		return s.entry(ctx, m.XML)
	case "CEB507":
		return s.arrival(m.XML)
	case "CEB303", "CEB403", "CEB505":
		docs, formatErr, err := s.readDocuments(m.Type, m.XML)
		if err != nil || formatErr != nil {
			return formatErr, err
		}
		return s.documents(ctx, docs)
	}
	return nil, fmt.Errorf("unsupported message %q", m.Type)
}

// deliver enqueues the planned receipts, one task per delivery window, each holding its
// receipts in the order of their delays (a reordered receipt stays reordered).
func (s *Simulator) deliver(ctx context.Context, plan []receipt) error {
	slices.SortStableFunc(plan, func(a, b receipt) int { return cmp.Compare(a.delay, b.delay) })
	for len(plan) > 0 {
		at := s.deliveredAt(plan[0].delay)
		n := 1
		for n < len(plan) && s.deliveredAt(plan[n].delay) == at {
			n++
		}
		var body []byte
		for _, r := range plan[:n] {
			body = append(body, r.doc...)
			body = append(body, '\n')
		}
		if err := s.queue.Enqueue(ctx, app.Task{Type: app.TaskCustomsReceipts, Payload: body, Delay: at}); err != nil {
			return err
		}
		plan = plan[n:]
	}
	return nil
}

// deliveredAt is when a receipt due after delay reaches the service: at the end of its window.
func (s *Simulator) deliveredAt(delay time.Duration) time.Duration {
	w := s.cfg.Delivery
	if w <= 0 || delay <= 0 {
		return delay
	}
	return (delay + w - 1) / w * w
}

// dice is the filing's own random source: the same guid always rolls the same numbers.
func (s *Simulator) dice(guid string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(guid))
	return rand.New(rand.NewPCG(s.cfg.Seed, h.Sum64()))
}

// serial is a 9-digit number derived from a guid and a purpose, for customs' numbers.
func serial(guid, purpose string) int64 {
	h := fnv.New64a()
	h.Write([]byte(purpose + ":" + guid))
	return int64(h.Sum64() % 1_000_000_000)
}

// timing spreads n receipts: delivery delays, and the returnTimes customs stamps on them —
// from the filing's appTime, so that a re-sent filing gets identical receipts. appTime has
// whole seconds, so customs' clock starts a second after it: never before the submission.
func (s *Simulator) timing(appTime time.Time, i int) (delay time.Duration, at time.Time) {
	base := appTime.Add(time.Second)
	step := s.cfg.Step
	if step <= 0 {
		return 0, base.Add(time.Duration(i) * time.Millisecond)
	}
	return time.Duration(i+1) * step, base.Add(time.Duration(i) * step)
}

// shuffle applies the configured duplicates and reorderings to a plan.
func (s *Simulator) shuffle(r *rand.Rand, plan []receipt) []receipt {
	for i := 0; i+1 < len(plan); i++ {
		if r.Float64() < s.cfg.ReorderRate {
			plan[i].delay, plan[i+1].delay = plan[i+1].delay, plan[i].delay
		}
	}
	n := len(plan)
	for i := 0; i < n; i++ {
		if r.Float64() < s.cfg.DuplicateRate {
			dup := plan[i]
			dup.delay += s.cfg.Step/2 + time.Millisecond
			plan = append(plan, dup)
		}
	}
	return plan
}

// inventory answers CEB603 lists with CEB604 receipts.
func (s *Simulator) inventory(ctx context.Context, data []byte) ([]receipt, error) {
	msg, err := ceb.ParseCEB603(data)
	if err != nil {
		return nil, err
	}
	if verr := ceb.Validate(msg); verr != nil {
		return s.formatError(msg.GUID, "CEB603", msg.BaseTransfer.CopCode, verr)
	}
	var plan []receipt
	for _, inv := range msg.Inventories {
		h := inv.Head
		appTime, err := ceb.ParseAppTime(h.AppTime)
		if err != nil {
			return nil, err
		}
		one, err := s.inventoryList(ctx, h, inv.Lists, appTime)
		if err != nil {
			return nil, err
		}
		plan = append(plan, s.shuffle(s.dice(h.GUID), one)...)
	}
	return plan, nil
}

// ePortSteps are E-Port's answers to every list before customs' own: declaring (2), then sent to
// customs (3, 发送海关成功), as the real Single Window reports them.
var ePortSteps = []step{{"2", "电子口岸已暂存, 申报中", ""}, {"3", "发送海关成功", ""}}

// inventoryList decides one list: rejected for its own fields; else accepted and — once its
// documents are all there and agree (when MatchDocuments) — reviewed or inspected as the dice
// say, and released. A list whose documents are missing waits for them, accepted, until
// DocumentWait from its appTime has passed; one sent again after that is rejected naming them.
// The authority remembers every list it decided, for its documents and for the departure that
// closes it.
func (s *Simulator) inventoryList(ctx context.Context, h ceb.InventoryHead, lines []ceb.InventoryList, appTime time.Time) ([]receipt, error) {
	r := s.dice(h.GUID)
	preNo, _ := customs.FormatPreNo(appTime, serial(h.GUID, "pre"))
	invtNo, _ := customs.FormatInvtNo(s.cfg.District, appTime.In(ceb.China).Year(), serial(h.GUID, "invt"))
	l := heldList{GUID: h.GUID, AgentCode: h.AgentCode, CopNo: h.CopNo, EbcCode: h.EbcCode, EbpCode: h.EbpCode,
		OrderNo: h.OrderNo, LogisticsCode: h.LogisticsCode, LogisticsNo: h.LogisticsNo, StatisticsFlag: h.StatisticsFlag,
		AppTime: appTime, PreNo: preNo, InvtNo: invtNo, Total: listTotal(lines).String(), Freight: string(h.Freight),
		Currency: h.FCurrency, Base: appTime, After: len(ePortSteps) + 1}
	if len(lines) > 0 {
		l.Currency = lines[0].Currency
	}
	l.Review = r.Float64() < s.cfg.ReviewShare
	l.Inspect = r.Float64() < s.cfg.InspectionShare || s.highRisk(lines)
	key := keyOfList(h)

	steps := slices.Clone(ePortSteps)
	reason, err := s.judgeInventory(ctx, h, lines)
	if err != nil {
		return nil, err
	}
	switch {
	case reason != "":
		l.State, l.Reason = listRejected, "海关退单: "+reason
		steps = append(steps, step{"100", l.Reason, ""})
	case !s.cfg.MatchDocuments:
		l.State = listReleased
		steps = append(append(steps, step{"120", "海关入库成功", invtNo}), releaseSteps(l)...)
	default:
		raw, err := s.mem.recall(ctx, key)
		if err != nil {
			return nil, err
		}
		if held, ok := decodeInto[heldList](raw, key); ok && held.GUID == h.GUID && held.State != listWaiting {
			// Sent again after it was decided: the same answers as then, nothing new noted.
			return s.answeredBefore(held)
		}
		keys := documentKeys(h)
		docs, err := s.mem.recall(ctx, keys[:]...)
		if err != nil {
			return nil, err
		}
		missing, disagreement := matchDocuments(l, docs)
		switch {
		case disagreement != "":
			l.State, l.Reason = listRejected, "海关退单: 三单对碰不符 documents disagree: "+disagreement
			steps = append(steps, step{"100", l.Reason, ""})
		case len(missing) > 0 && s.cfg.DocumentWait > 0 && time.Since(appTime) < s.cfg.DocumentWait:
			l.State = listWaiting
			steps = append(steps, step{"120", "海关入库成功, 等待三单对碰 waiting for documents: " + missingReason(missing), invtNo})
			if err := s.mem.put(orderListKey(h.EbpCode, h.OrderNo), key); err != nil {
				return nil, err
			}
		case len(missing) > 0:
			l.State, l.Reason = listRejected, "海关退单: "+missingReason(missing)
			steps = append(steps, step{"100", l.Reason, ""})
		default:
			l.State = listReleased
			steps = append(append(steps, step{"120", "海关入库成功", invtNo}), releaseSteps(l)...)
		}
	}
	if err := s.mem.put(key, l); err != nil {
		return nil, err
	}
	return s.planSteps(l, appTime, 0, steps)
}

// answeredBefore answers a list sent again after the authority decided it with the receipts it
// sent then: accepted (or rejected), and the steps to release planned from the same base.
func (s *Simulator) answeredBefore(l heldList) ([]receipt, error) {
	first := slices.Clone(ePortSteps)
	if l.State == listRejected {
		return s.planSteps(l, l.AppTime, 0, append(first, step{"100", l.Reason, ""}))
	}
	one, err := s.planSteps(l, l.AppTime, 0, append(first, step{"120", "海关入库成功", l.InvtNo}))
	if err != nil {
		return nil, err
	}
	rest, err := s.planSteps(l, l.Base, l.After, releaseSteps(l))
	return append(one, rest...), err
}

// judgeInventory is customs' check of one list; a non-empty answer is the reason to reject it.
func (s *Simulator) judgeInventory(ctx context.Context, h ceb.InventoryHead, lines []ceb.InventoryList) (string, error) {
	var missing []string
	for name, v := range map[string]string{"orderNo": h.OrderNo, "logisticsNo": h.LogisticsNo, "copNo": h.CopNo,
		"agentCode": h.AgentCode, "ebcCode": h.EbcCode, "ebpCode": h.EbpCode, "ownerCode": h.OwnerCode} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if (h.TradeMode == "1210" || h.TradeMode == "1239") && h.EmsNo == "" {
		missing = append(missing, "emsNo")
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return "缺少必填项 missing mandatory fields: " + strings.Join(missing, ", "), nil
	}
	for _, l := range lines {
		if !code.KnownHSHeading(l.GCode) {
			return fmt.Sprintf("第%d项商品编码%s不存在 unknown HS heading %s", l.GNum, l.GCode, l.GCode[:min(4, len(l.GCode))]), nil
		}
		qty, err1 := code.ParseDecimal(string(l.Qty))
		price, err2 := code.ParseDecimal(string(l.Price))
		total, err3 := code.ParseDecimal(string(l.TotalPrice))
		if err1 != nil || err2 != nil || err3 != nil {
			return fmt.Sprintf("第%d项数量或价格格式错误 unreadable quantity or price in line %d", l.GNum, l.GNum), nil
		}
		if diff := qty.Mul(price).Sub(total).Abs(); diff.Cmp(code.MustDecimal("0.01")) > 0 {
			return fmt.Sprintf("第%d项总价不等于数量乘单价 line %d: qty × price ≠ totalPrice", l.GNum, l.GNum), nil
		}
	}
	return s.unregisteredParty(ctx, filedParty{"agent", h.AgentCode}, filedParty{"ebc", h.EbcCode})
}

// filedParty is a firm a filing names in one of its roles (the field that carries its code).
type filedParty struct{ role, code string }

// unregisteredParty is the reason to reject a filing that names a firm customs has not
// registered (the first one, in the order given); empty when every one is registered.
func (s *Simulator) unregisteredParty(ctx context.Context, parties ...filedParty) (string, error) {
	if s.registered == nil {
		return "", nil
	}
	for _, party := range parties {
		ok, err := s.isRegistered(ctx, party.code)
		if err != nil {
			return "", err
		}
		if !ok {
			return fmt.Sprintf("企业%s未在海关备案 %s %s is not registered with customs", party.code, party.role, party.code), nil
		}
	}
	return "", nil
}

// judgeEntryParties is customs' check of the firms an entry declaration names, as of a list's
// (judgeInventory): the shipper (TradeCode, or its USCC when the code is left out) and the
// declaring broker (AgentCode) must be registered with customs.
func (s *Simulator) judgeEntryParties(ctx context.Context, h ceb.DecHead) (string, error) {
	trade, agent := filedParty{"TradeCode", h.TradeCode}, filedParty{"AgentCode", h.AgentCode}
	if strings.TrimSpace(trade.code) == "" {
		trade = filedParty{"TradeCoScc", h.TradeCoScc}
	}
	if strings.TrimSpace(agent.code) == "" {
		agent = filedParty{"AgentCodeScc", h.AgentCodeScc}
	}
	return s.unregisteredParty(ctx, trade, agent)
}

func (s *Simulator) highRisk(lines []ceb.InventoryList) bool {
	for _, l := range lines {
		for _, h := range s.cfg.HighRiskHeadings {
			if strings.HasPrefix(l.GCode, h) {
				return true
			}
		}
	}
	return false
}

// cancel answers CEB605 cancellations with CEB606: staged, accepted, review finished (approved).
func (s *Simulator) cancel(data []byte) ([]receipt, error) {
	msg, err := ceb.ParseCEB605(data)
	if err != nil {
		return nil, err
	}
	if verr := ceb.Validate(msg); verr != nil {
		return s.formatError(msg.GUID, "CEB605", msg.BaseTransfer.CopCode, verr)
	}
	var plan []receipt
	for _, c := range msg.InvtCancels {
		appTime, err := ceb.ParseAppTime(c.AppTime)
		if err != nil {
			return nil, err
		}
		preNo, _ := customs.FormatPreNo(appTime, serial(c.GUID, "pre"))
		var one []receipt
		for i, st := range [][2]string{{"2", "申报中"}, {"120", "海关入库成功"}, {"399", "撤销申请审核通过"}} {
			delay, at := s.timing(appTime, i)
			doc, err := ceb.Marshal(&ceb.CEB606Message{GUID: envelopeGUID(c.GUID, st[0]), InvtCancelReturns: []ceb.InvtCancelReturn{{
				GUID: c.GUID, AgentCode: c.AgentCode, CopNo: c.CopNo, PreNo: preNo, InvtNo: c.InvtNo,
				ReturnResult: ceb.ReturnResult{ReturnStatus: st[0], ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: st[1]},
			}}})
			if err != nil {
				return nil, err
			}
			one = append(one, receipt{doc: doc, delay: delay})
		}
		plan = append(plan, s.shuffle(s.dice(c.GUID), one)...)
	}
	return plan, nil
}

// summary answers CEB701 with CEB702 (declaring, accepted) and then a first CEB792: the
// declaration customs generated from the summary, staged at E-Port under a temporary number
// (decTmpNo) for the broker to declare. The broker's declaration of it (a DEC naming decTmpNo as
// SeqNo, see entry) brings the later CEB792s: the entry number, then the declaration's state.
func (s *Simulator) summary(ctx context.Context, data []byte) ([]receipt, error) {
	msg, err := ceb.ParseCEB701(data)
	if err != nil {
		return nil, err
	}
	if verr := ceb.Validate(msg); verr != nil {
		return s.formatError(msg.GUID, "CEB701", msg.BaseTransfer.CopCode, verr)
	}
	var plan []receipt
	for _, sa := range msg.SummaryApplies {
		h := sa.Head
		appTime, err := ceb.ParseAppTime(h.AppTime)
		if err != nil {
			return nil, err
		}
		preNo, _ := customs.FormatPreNo(appTime, serial(h.GUID, "pre"))
		sumNo := "S" + appTime.In(ceb.China).Format("20060102") + fmt.Sprintf("%09d", serial(h.GUID, "sum"))
		var one []receipt
		for i, st := range [][2]string{{"2", "申报中"}, {"120", "汇总申请入库成功"}} {
			delay, at := s.timing(appTime, i)
			doc, err := ceb.Marshal(&ceb.CEB702Message{GUID: envelopeGUID(h.GUID, st[0]), SummaryReturns: []ceb.SummaryReturn{{
				GUID: h.GUID, AgentCode: h.AgentCode, EbcCode: h.EbcCode, CopNo: h.CopNo, PreNo: preNo, SumNo: sumNo, MsgSeqNo: 1,
				ReturnResult: ceb.ReturnResult{ReturnStatus: st[0], ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: st[1]},
			}}})
			if err != nil {
				return nil, err
			}
			one = append(one, receipt{doc: doc, delay: delay})
		}
		// The declaration customs generated from the summary, staged at E-Port under a
		// temporary number until the broker declares it (decState DecStateStaged).
		delay, at := s.timing(appTime, 2)
		g := generated{SummaryGUID: h.GUID, CustomsCode: h.CustomsCode, SumNo: sumNo,
			DeclSeqNo: "S" + appTime.In(ceb.China).Format("20060102") + fmt.Sprintf("%09d", serial(h.GUID, "decl")),
			DecTmpNo:  "E" + appTime.In(ceb.China).Format("20060102") + fmt.Sprintf("%09d", serial(h.GUID, "tmp")),
			AgentCode: h.AgentCode, AgentName: h.AgentName, EbcCode: h.EbcCode, EbcName: h.EbcName,
			DeclAgentCode: h.DeclAgentCode, DeclAgentName: h.DeclAgentName, Lists: len(sa.Lists)}
		doc, err := g.result(customs.DecStateStaged, "", at)
		if err != nil {
			return nil, err
		}
		if err := s.mem.put(generatedKey(g.DecTmpNo), g); err != nil {
			return nil, err
		}
		one = append(one, receipt{doc: doc, delay: delay})
		plan = append(plan, s.shuffle(s.dice(h.GUID), one)...)
	}
	return plan, nil
}

func generatedKey(decTmpNo string) string { return "generated|" + decTmpNo }

// generated is a declaration customs generated from a summary, as the authority remembers it
// until the broker declares it (a DEC carrying its decTmpNo as SeqNo).
type generated struct {
	SummaryGUID   string `json:"summaryGuid"`
	CustomsCode   string `json:"customsCode"`
	SumNo         string `json:"sumNo"`
	DeclSeqNo     string `json:"declSeqNo"`
	DecTmpNo      string `json:"decTmpNo"`
	AgentCode     string `json:"agentCode"`
	AgentName     string `json:"agentName"`
	EbcCode       string `json:"ebcCode"`
	EbcName       string `json:"ebcName"`
	DeclAgentCode string `json:"declAgentCode"`
	DeclAgentName string `json:"declAgentName"`
	Lists         int    `json:"lists"`
}

// result is a CEB792 about the generated declaration: staged under decTmpNo, or in decState
// with its entry number.
func (g generated) result(decState, entryID string, at time.Time) ([]byte, error) {
	note := fmt.Sprintf("汇总%d票清单 %d inventory lists summarised", g.Lists, g.Lists)
	if decState == customs.DecStateStaged {
		note += "; 报关单已生成暂存, 待申报 declaration generated and staged: declare it"
	}
	return ceb.Marshal(&ceb.CEB792Message{GUID: envelopeGUID(g.SummaryGUID, "792"+decState+entryID), SummaryResults: []ceb.SummaryResult{{
		Head: ceb.SummaryResultHead{GUID: g.SummaryGUID, CustomsCode: g.CustomsCode, SumNo: g.SumNo, OpDate: ceb.FormatReturnTime(at),
			DeclSeqNo: g.DeclSeqNo, DecTmpNo: g.DecTmpNo, EntryID: entryID, DecState: decState, AgentCode: g.AgentCode,
			AgentName: g.AgentName, EbcCode: g.EbcCode, EbcName: g.EbcName, DeclAgentCode: g.DeclAgentCode,
			DeclAgentName: g.DeclAgentName, GrossWeight: "0", NetWeight: "0", MsgCount: 1, MsgSeqNo: 1, Note: note},
	}}})
}

// departure answers every head of a CEB509 with CEB510 120 (accepted) and 399 (审结, its last
// answer) under that head's guid — which is how a departure document of several logistics
// enterprises finds its receipts — and then closes the lists of the head's waybills (899).
func (s *Simulator) departure(ctx context.Context, data []byte) ([]receipt, error) {
	msg, err := ceb.ParseCEB509(data)
	if err != nil {
		return nil, err
	}
	if verr := ceb.Validate(msg); verr != nil {
		return s.formatError(msg.GUID, "CEB509", msg.BaseTransfer.CopCode, verr)
	}
	var plan []receipt
	for _, d := range msg.Departures {
		h := d.Head
		appTime, err := ceb.ParseAppTime(h.AppTime)
		if err != nil {
			return nil, err
		}
		preNo, _ := customs.FormatPreNo(appTime, serial(h.GUID, "pre"))
		for i, st := range [][2]string{{"120", "离境单入库成功"}, {"399", "离境单审结"}} {
			delay, at := s.timing(appTime, i)
			doc, err := ceb.Marshal(&ceb.CEB510Message{GUID: envelopeGUID(h.GUID, st[0]), DepartureReturns: []ceb.DepartureReturn{{
				GUID: h.GUID, LogisticsCode: h.LogisticsCode, CopNo: h.CopNo, PreNo: preNo, MsgSeqNo: h.MsgSeqNo,
				ReturnResult: ceb.ReturnResult{ReturnStatus: st[0], ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: st[1]},
			}}})
			if err != nil {
				return nil, err
			}
			plan = append(plan, receipt{doc: doc, delay: delay})
		}
		closed, err := s.close(ctx, h.LogisticsCode, d.Lists, appTime)
		if err != nil {
			return nil, err
		}
		plan = append(plan, closed...)
	}
	return plan, nil
}

// close answers a departure document's review (399) by closing (结关, 899) every released list
// of its waybills that the authority holds; a list closed before is closed again with the same
// receipt (a departure document sent twice).
func (s *Simulator) close(ctx context.Context, logisticsCode string, lists []ceb.DepartureList, appTime time.Time) ([]receipt, error) {
	keys := make([]string, len(lists))
	for i, l := range lists {
		keys[i] = listKey(logisticsCode, l.LogisticsNo)
	}
	raw, err := s.mem.recall(ctx, keys...)
	if err != nil {
		return nil, err
	}
	var plan []receipt
	for _, k := range keys {
		l, ok := decodeInto[heldList](raw, k)
		if !ok || l.State != listReleased && l.State != listClosed {
			continue
		}
		if l.State == listReleased {
			l.State = listClosed
			if err := s.mem.put(k, l); err != nil {
				return nil, err
			}
		}
		one, err := s.planSteps(l, appTime, 2, []step{{"899", "结关", l.InvtNo}})
		if err != nil {
			return nil, err
		}
		plan = append(plan, one...)
	}
	return plan, nil
}

// arrival answers CEB507 arrival documents with CEB508: declaring, then reviewed (399, its last
// answer, as the specification's receipt says).
func (s *Simulator) arrival(data []byte) ([]receipt, error) {
	msg, err := ceb.ParseCEB507(data)
	if err != nil {
		return nil, err
	}
	if verr := ceb.Validate(msg); verr != nil {
		return s.formatError(msg.GUID, "CEB507", msg.BaseTransfer.CopCode, verr)
	}
	var plan []receipt
	for _, a := range msg.Arrivals {
		h := a.Head
		appTime, err := ceb.ParseAppTime(h.AppTime)
		if err != nil {
			return nil, err
		}
		preNo, _ := customs.FormatPreNo(appTime, serial(h.GUID, "pre"))
		for i, st := range [][2]string{{"2", "申报中"}, {"399", "运抵单审结 arrival accepted"}} {
			delay, at := s.timing(appTime, i)
			doc, err := ceb.Marshal(&ceb.CEB508Message{GUID: envelopeGUID(h.GUID, st[0]), ArrivalReturns: []ceb.ArrivalReturn{{
				GUID: h.GUID, OperatorCode: h.OperatorCode, LogisticsCode: h.LogisticsCode, PreNo: preNo, CopNo: h.CopNo,
				BillNo: h.BillNo, MsgSeqNo: h.MsgSeqNo,
				ReturnResult: ceb.ReturnResult{ReturnStatus: st[0], ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: st[1]},
			}}})
			if err != nil {
				return nil, err
			}
			plan = append(plan, receipt{doc: doc, delay: delay})
		}
	}
	return plan, nil
}

// formatError answers a message that fails the schema with CEB900.
func (s *Simulator) formatError(guid, messageType, copCode string, verr error) ([]receipt, error) {
	info := verr.Error()
	if len([]rune(info)) > 900 {
		info = string([]rune(info)[:900])
	}
	delay, at := s.timing(time.Now(), 0)
	doc, err := ceb.Marshal(&ceb.CEB900Message{GUID: envelopeGUID(guid, "900"), MessageReturns: []ceb.MessageReturn{{
		GUID:           guid,
		ReturnResult:   ceb.ReturnResult{ReturnStatus: "-1", ReturnTime: ceb.FormatReturnTime(at), ReturnInfo: "报文格式错误: " + info},
		OriMessageType: messageType, OriCopMsgID: copCode,
	}}})
	if err != nil {
		return nil, err
	}
	return []receipt{{doc: doc, delay: delay}}, nil
}

// envelopeGUID derives the guid of a receipt message from the filing's guid and the receipt's
// role, so that a re-sent filing yields byte-identical receipts.
func envelopeGUID(guid, role string) string {
	h := fnv.New128a()
	h.Write([]byte(role + ":" + guid))
	b := h.Sum(nil)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// decResult is the simulated declaration system's receipt for an entry declaration (报关单回执):
// its channel status (L accepted, E rejected, C inspection, P released, R cleared) and, once
// accepted, the entry number. The real declaration system's receipt format is not among the
// official files in ceb/testdata/official; this one is modelled, like DecMessage itself [U].
type decResult struct {
	XMLName    xml.Name `xml:"http://www.chinaport.gov.cn/dec DecResult"`
	GUID       string   `xml:"guid"`
	SeqNo      string   `xml:"seqNo,omitempty"`
	EntryID    string   `xml:"entryId,omitempty"`
	Channel    string   `xml:"channel"`
	NoticeTime string   `xml:"noticeTime"`
	Note       string   `xml:"note,omitempty"`
}
