package singlewindow

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
)

// Messages builds the Single Window messages of declarations and reads receipts: the codec
// between the customs domain and the CEB (and entry declaration) XML.
type Messages struct {
	DxpID string // the E-Port client's data exchange id, written in BaseTransfer
}

var _ app.CustomsMessages = Messages{}

// Build writes the message that files d under the given guid and copNo.
func (m Messages) Build(d *customs.Declaration, f app.Filing) (app.OutgoingMessage, error) {
	out := app.OutgoingMessage{DeclarationID: d.ID(), GUID: f.GUID}
	var msg ceb.Message
	var err error
	switch d.Kind() {
	case customs.KindInventory:
		out.Type = "CEB603"
		msg, err = m.inventory(d, f)
	case customs.KindCancel:
		out.Type = "CEB605"
		msg, err = m.cancel(d, f)
	case customs.KindSummary:
		out.Type = "CEB701"
		msg, err = m.summary(d, f)
	case customs.KindEntry:
		out.Type = "DEC"
		msg, err = m.entry(d, f)
	case customs.KindDeparture:
		out.Type = "CEB509"
		msg, err = m.departure(d, f)
	case customs.KindOrder:
		out.Type = "CEB303"
		msg, err = m.order(d, f)
	case customs.KindPayment:
		out.Type = "CEB403"
		msg, err = m.payment(d, f)
	case customs.KindWaybill:
		out.Type = "CEB505"
		msg, err = m.waybill(d, f)
	case customs.KindArrival:
		out.Type = "CEB507"
		msg, err = m.arrival(d, f)
	default:
		return out, fmt.Errorf("no message for a %s declaration", d.Kind())
	}
	if err != nil {
		return out, err
	}
	out.XML, err = ceb.Marshal(msg)
	if err != nil {
		// What the domain accepted must fit the schema; if not, the mapping is at fault.
		return out, domain.Internal(err, "build %s of %s", out.Type, d.ID())
	}
	return out, nil
}

func dec(d code.Decimal) ceb.Decimal { return ceb.Decimal(d.String()) }

func customsCountry(iso string) string {
	c, err := code.NormalizeCountry(iso)
	if err != nil {
		return iso
	}
	return c.Customs
}

func customsCurrency(iso string) string {
	c, err := code.NormalizeCurrency(iso)
	if err != nil {
		return iso
	}
	return c.Customs
}

func (m Messages) transfer(copCode, copName string) ceb.BaseTransfer {
	return ceb.BaseTransfer{CopCode: copCode, CopName: copName, DxpMode: "DXP", DxpID: m.DxpID}
}

func orElse(v, fallback string) string {
	if strings.TrimSpace(v) != "" {
		return v
	}
	return fallback
}

// inventory maps an inventory list to CEB603. The platform's and the carrier's names are the
// registered ones the list was drafted with (never a code in place of a name). Where the domain
// has no value for a mandatory element the mapping says what it sends: the platform defaults to
// the seller (a firm selling on its own shop), the package type to carton (2). The legal
// quantities (qty1/unit1, qty2/unit2) are those worked out when the list was drafted. Each
// line's country is the final destination (最终目的国); the head's country (运抵国) and port of
// destination (指运港, a customs country code as in the official sample) are where the booked
// train is unloaded (Transport), else the destination.
func (m Messages) inventory(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	inv, ok := d.Inventory()
	if !ok {
		return nil, fmt.Errorf("declaration %s has no inventory content", d.ID())
	}
	p, pt := inv.Parcel, inv.Parties
	// 运抵国 and 指运港: where the train the list names is unloaded; without a train, or for a
	// train unloaded in China (a rail–sea line), the parcel's destination.
	arrival := orElse(inv.Transport.ArrivalCountry, p.DestinationCountry)
	head := ceb.InventoryHead{
		GUID: f.GUID, AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At), AppStatus: "2",
		CustomsCode: inv.CustomsCode,
		EbpCode:     orElse(pt.EbpCode, pt.EbcCode), EbpName: orElse(pt.EbpName, pt.EbcName),
		OrderNo: p.OrderNo, LogisticsCode: p.LogisticsCode, LogisticsName: pt.LogisticsName,
		LogisticsNo: p.LogisticsNo, CopNo: f.CopNo, IEFlag: "E", PortCode: inv.PortCode, IEDate: ceb.FormatDate(f.At),
		StatisticsFlag: inv.StatisticsFlag, AgentCode: pt.AgentCode, AgentName: pt.AgentName,
		EbcCode: pt.EbcCode, EbcName: pt.EbcName,
		OwnerCode: orElse(pt.OwnerCode, pt.EbcCode), OwnerName: orElse(pt.OwnerName, pt.EbcName),
		IacCode: pt.IacCode, IacName: pt.IacName, EmsNo: p.EmsNo, TradeMode: p.TradeMode, TrafMode: inv.TrafMode,
		TrafName: inv.Transport.TrafName, VoyageNo: inv.Transport.VoyageNo,
		Country: customsCountry(arrival), POD: customsCountry(arrival),
		Freight: dec(p.Freight), FCurrency: customsCurrency(p.Currency), FFlag: "3",
		InsuredFee: dec(p.InsuredFee), ICurrency: customsCurrency(p.Currency), IFlag: "3",
		WrapType: "2", PackNo: 1, GrossWeight: dec(p.GrossWeightKg), NetWeight: dec(p.NetWeightKg), Note: p.Note,
	}
	// The legal quantities (qty1/unit1, qty2/unit2) were worked out when the list was drafted.
	legal, err := inv.LegalQuantities()
	if err != nil {
		return nil, err
	}
	lists := make([]ceb.InventoryList, len(p.Items))
	for i, it := range p.Items {
		lists[i] = ceb.InventoryList{
			GNum: i + 1, ItemNo: orElse(it.ItemNo, strconv.Itoa(i+1)), ItemRecordNo: it.ItemRecordNo, ItemName: it.Gname,
			GCode: it.Gcode, GName: it.Gname, GModel: it.Gmodel, BarCode: orElse(it.BarCode, "无"),
			Country: customsCountry(p.DestinationCountry), Currency: customsCurrency(p.Currency),
			Qty: dec(it.Qty), Unit: it.Unit, Qty1: dec(legal[i].Qty1), Unit1: legal[i].Unit1,
			Price: dec(it.Price), TotalPrice: dec(it.TotalPrice),
		}
		if legal[i].Unit2 != "" {
			lists[i].Qty2, lists[i].Unit2 = dec(legal[i].Qty2), legal[i].Unit2
		}
	}
	return &ceb.CEB603Message{GUID: f.GUID, Inventories: []ceb.Inventory{{Head: head, Lists: lists}},
		BaseTransfer: m.transfer(pt.AgentCode, pt.AgentName)}, nil
}

// document is the content of one of a parcel's three documents.
func document(d *customs.Declaration) (customs.Document, error) {
	doc, ok := d.Document()
	if !ok {
		return doc, fmt.Errorf("declaration %s has no document content", d.ID())
	}
	return doc, nil
}

// order maps a parcel's order to CEB303 (orderType E, export), filed in the platform's name.
// goodsValue is the sum of the lines; the lines are the parcel's, item numbers as on the list.
func (m Messages) order(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	doc, err := document(d)
	if err != nil {
		return nil, err
	}
	p, pt := doc.Parcel, doc.Parties
	lists := make([]ceb.OrderList, len(p.Items))
	for i, it := range p.Items {
		lists[i] = ceb.OrderList{GNum: i + 1, ItemNo: orElse(it.ItemNo, strconv.Itoa(i+1)), ItemName: it.Gname,
			ItemDescribe: it.Gmodel, BarCode: it.BarCode, Unit: it.Unit, Currency: customsCurrency(p.Currency),
			Qty: dec(it.Qty), Price: dec(it.Price), TotalPrice: dec(it.TotalPrice)}
	}
	return &ceb.CEB303Message{GUID: f.GUID, Orders: []ceb.Order{{Head: ceb.OrderHead{
		GUID: f.GUID, AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At), AppStatus: ceb.AppStatusDeclared,
		OrderType: "E", OrderNo: p.OrderNo, EbpCode: pt.EbpCode, EbpName: pt.EbpName, EbcCode: pt.EbcCode, EbcName: pt.EbcName,
		GoodsValue: dec(p.GoodsValue()), Freight: dec(p.Freight), Currency: customsCurrency(p.Currency),
	}, Lists: lists}}, BaseTransfer: m.transfer(orElse(pt.AgentCode, pt.EbpCode), orElse(pt.AgentName, pt.EbpName))}, nil
}

// payment maps a parcel's payment receipt to CEB403: the money collected for its order, in the
// payment firm's name (the seller's when it collected the money itself). charge is the goods
// value plus freight, what the buyer paid; the accounting date is the filing time, the moment
// Silkgate knows the money was there.
func (m Messages) payment(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	doc, err := document(d)
	if err != nil {
		return nil, err
	}
	p, pt := doc.Parcel, doc.Parties
	payCode, payName := orElse(pt.PayCode, pt.EbcCode), orElse(pt.PayName, pt.EbcName)
	return &ceb.CEB403Message{GUID: f.GUID, Receipts: []ceb.Receipts{{
		GUID: f.GUID, AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At), AppStatus: ceb.AppStatusDeclared,
		EbpCode: pt.EbpCode, EbpName: pt.EbpName, EbcCode: pt.EbcCode, EbcName: pt.EbcName, OrderNo: p.OrderNo,
		PayCode: payCode, PayName: payName, Charge: dec(customs.PaymentCharge(p)), Currency: customsCurrency(p.Currency),
		AccountingDate: ceb.FormatAppTime(f.At),
	}}, BaseTransfer: m.transfer(orElse(pt.AgentCode, payCode), orElse(pt.AgentName, payName))}, nil
}

// waybill maps a parcel's waybill to CEB505, in the carrier's name. goodsInfo lists the goods
// names, cut to the schema's 200 characters.
func (m Messages) waybill(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	doc, err := document(d)
	if err != nil {
		return nil, err
	}
	p, pt := doc.Parcel, doc.Parties
	var goods []string
	for _, it := range p.Items {
		goods = append(goods, it.Gname+" "+it.Qty.String())
	}
	info := []rune(strings.Join(goods, "; "))
	if len(info) > 200 {
		info = info[:200]
	}
	return &ceb.CEB505Message{GUID: f.GUID, Logistics: []ceb.Logistics{{
		GUID: f.GUID, AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At), AppStatus: ceb.AppStatusDeclared,
		LogisticsCode: p.LogisticsCode, LogisticsName: pt.LogisticsName, LogisticsNo: p.LogisticsNo,
		Freight: dec(p.Freight), InsuredFee: dec(p.InsuredFee), Currency: customsCurrency(p.Currency),
		GrossWeight: dec(p.GrossWeightKg), PackNo: 1, GoodsInfo: string(info), EbcCode: pt.EbcCode, EbcName: pt.EbcName,
	}}, BaseTransfer: m.transfer(orElse(pt.AgentCode, p.LogisticsCode), orElse(pt.AgentName, pt.LogisticsName))}, nil
}

// arrival maps an arrival document to CEB507: one head for the carrier, its waybills listed,
// transmitted in the carrier's name.
func (m Messages) arrival(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	a, ok := d.Arrival()
	if !ok {
		return nil, fmt.Errorf("declaration %s has no arrival content", d.ID())
	}
	lists := make([]ceb.ArrivalList, len(a.Waybills))
	for i, w := range a.Waybills {
		lists[i] = ceb.ArrivalList{GNum: i + 1, LogisticsNo: w.LogisticsNo}
	}
	return &ceb.CEB507Message{GUID: f.GUID, Arrivals: []ceb.Arrival{{Head: ceb.ArrivalHead{
		GUID: f.GUID, AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At), AppStatus: ceb.AppStatusDeclared,
		CustomsCode: a.CustomsCode, CopNo: f.CopNo, OperatorCode: a.OperatorCode, OperatorName: a.OperatorName,
		LoctNo: a.LoctNo, IEFlag: "E", TrafMode: a.TrafMode, DomesticTrafNo: a.DomesticTrafNo,
		LogisticsCode: a.LogisticsCode, LogisticsName: a.LogisticsName, MsgCount: 1, MsgSeqNo: 1,
	}, Lists: lists}}, BaseTransfer: m.transfer(a.LogisticsCode, a.LogisticsName)}, nil
}

func (m Messages) cancel(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	c, ok := d.Cancellation()
	if !ok {
		return nil, fmt.Errorf("declaration %s has no cancellation content", d.ID())
	}
	return &ceb.CEB605Message{GUID: f.GUID, InvtCancels: []ceb.InvtCancel{{
		GUID: f.GUID, AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At), AppStatus: "2", CustomsCode: c.CustomsCode,
		CopNo: f.CopNo, PreNo: c.TargetPreNo, InvtNo: c.InvtNo, Reason: c.Reason, AgentCode: c.AgentCode, AgentName: c.AgentName,
		EbcCode: c.EbcCode, EbcName: c.EbcName,
	}}, BaseTransfer: m.transfer(c.AgentCode, c.AgentName)}, nil
}

func (m Messages) summary(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	s, ok := d.Summary()
	if !ok {
		return nil, fmt.Errorf("declaration %s has no summary content", d.ID())
	}
	lists := make([]ceb.SummaryApplyList, len(s.Lists))
	for i, l := range s.Lists {
		lists[i] = ceb.SummaryApplyList{InvtNo: l.InvtNo}
	}
	return &ceb.CEB701Message{GUID: f.GUID, SummaryApplies: []ceb.SummaryApply{{Head: ceb.SummaryApplyHead{
		GUID: f.GUID, AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At), AppStatus: "2", CustomsCode: s.CustomsCode,
		CopNo: f.CopNo, AgentCode: s.AgentCode, AgentName: s.AgentName, EbcCode: s.EbcCode, EbcName: s.EbcName,
		DeclAgentCode: s.DeclAgentCode, DeclAgentName: s.DeclAgentName,
		StartTime: ceb.FormatAppTime(s.StartTime), EndTime: ceb.FormatAppTime(s.EndTime), LoctNo: s.LoctNo,
		SummaryFlag: s.SummaryFlag, ItemNameFlag: "0", MsgCount: 1, MsgSeqNo: 1,
	}, Lists: lists}}, BaseTransfer: m.transfer(s.AgentCode, s.AgentName)}, nil
}

// departure maps a departure document to CEB509: one Departure block per logistics enterprise
// (customs.Departure.Heads), each under its own guid and copNo — the filing's for the first,
// derived ones for the others (customs.DepartureHeadGUID, DepartureHeadCopNo), which the
// declaration lists in GUIDs so that every head's CEB510 finds it. The message is not split:
// msgCount and msgSeqNo are 1. BaseTransfer names the transmitting firm, by default the first
// logistics enterprise.
func (m Messages) departure(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	dep, ok := d.Departure()
	if !ok {
		return nil, fmt.Errorf("declaration %s has no departure content", d.ID())
	}
	heads := dep.Heads()
	if len(heads) == 0 {
		return nil, fmt.Errorf("declaration %s names no waybill", d.ID())
	}
	blocks := make([]ceb.Departure, len(heads))
	for i, h := range heads {
		lists := make([]ceb.DepartureList, len(h.Waybills))
		for j, w := range h.Waybills {
			lists[j] = ceb.DepartureList{GNum: j + 1, LogisticsNo: w.LogisticsNo}
		}
		blocks[i] = ceb.Departure{Head: ceb.DepartureHead{
			GUID: customs.DepartureHeadGUID(f.GUID, i), AppType: ceb.AppTypeNew, AppTime: ceb.FormatAppTime(f.At),
			AppStatus: ceb.AppStatusDeclared, CustomsCode: dep.CustomsCode, CopNo: customs.DepartureHeadCopNo(f.CopNo, i),
			LogisticsCode: h.LogisticsCode, LogisticsName: h.LogisticsName, TrafMode: dep.TrafMode,
			TrafName: dep.TrafName, VoyageNo: dep.VoyageNo, BillNo: dep.BillNo, LeaveTime: ceb.FormatAppTime(dep.LeaveTime),
			MsgCount: 1, MsgSeqNo: 1, Note: dep.Note,
		}, Lists: lists}
	}
	copCode, copName := dep.AgentCode, dep.AgentName
	if copCode == "" {
		copCode, copName = heads[0].LogisticsCode, heads[0].LogisticsName
	}
	return &ceb.CEB509Message{GUID: f.GUID, Departures: blocks, BaseTransfer: m.transfer(copCode, copName)}, nil
}

func alpha3(iso string) string {
	c, err := code.NormalizeCountry(iso)
	if err != nil {
		return iso
	}
	return c.Alpha3
}

func (m Messages) entry(d *customs.Declaration, f app.Filing) (ceb.Message, error) {
	e, ok := d.Entry()
	if !ok {
		return nil, fmt.Errorf("declaration %s has no entry content", d.ID())
	}
	head := ceb.DecHead{
		SeqNo: e.SeqNo, IEFlag: e.IEFlag, CustomMaster: e.CustomMaster, IEPort: e.IEPort, TradeMode: e.TradeMode, TrafMode: e.TrafMode,
		TrafName: e.TrafName, BillNo: e.BillNo, ContrNo: e.ContrNo, TradeCode: e.TradeCode, TradeCoScc: e.TradeCoScc,
		TradeName: e.TradeName, OwnerCode: e.OwnerCode, OwnerCodeScc: e.OwnerCodeScc, OwnerName: e.OwnerName,
		AgentCode: e.AgentCode, AgentCodeScc: e.AgentCodeScc, AgentName: e.AgentName,
		TradeCountry: alpha3(e.TradeCountry), DistinatePort: orElse(e.DistinatePort, alpha3(e.TradeCountry)+"000"),
		TransMode: e.TransMode, FeeMark: e.FeeMark, FeeCurr: customsCurrencyOrEmpty(e.FeeCurr),
		InsurMark: e.InsurMark, InsurCurr: customsCurrencyOrEmpty(e.InsurCurr),
		PackNo: int(e.PackNo), WrapType: e.WrapType, GrossWet: dec(e.GrossWet), NetWt: dec(e.NetWt), NoteS: e.Note,
	}
	if e.FeeMark != "" {
		head.FeeRate = dec(e.FeeRate)
	}
	if e.InsurMark != "" {
		head.InsurRate = dec(e.InsurRate)
	}
	lines := make([]ceb.DecList, len(e.Lines))
	for i, l := range e.Lines {
		lines[i] = ceb.DecList{
			GNo: l.GNo, CodeTS: l.CodeTS, CiqCode: orElse(l.CiqCode, "999"), GName: l.GName, GModel: l.GModel,
			GQty: dec(l.GQty), GUnit: l.GUnit, FirstQty: dec(l.FirstQty), FirstUnit: l.FirstUnit, SecondUnit: l.SecondUnit,
			DeclPrice: dec(l.DeclPrice), DeclTotal: dec(l.DeclTotal), TradeCurr: customsCurrency(l.TradeCurr),
			OriginCountry: alpha3(l.OriginCountry), DestinationCountry: alpha3(l.DestinationCountry),
		}
		if l.SecondQty != nil {
			lines[i].SecondQty = dec(*l.SecondQty)
		}
	}
	return &ceb.DecMessage{GUID: f.GUID, AppTime: ceb.FormatAppTime(f.At), DecHead: head, DecLists: ceb.DecLists{DecList: lines},
		DecSign: ceb.DecSign{OperType: "C", CopCode: e.AgentCode, OperName: e.AgentName, ClientSeqNo: clientSeqNo(f.CopNo)}}, nil
}

func customsCurrencyOrEmpty(iso string) string {
	if iso == "" {
		return ""
	}
	return customsCurrency(iso)
}

// clientSeqNo fits the copNo into DecSign's 18 characters, keeping its distinctive end.
func clientSeqNo(copNo string) string {
	if len(copNo) <= 18 {
		return copNo
	}
	return copNo[len(copNo)-18:]
}

// DecodeReceipts reads a body of one or more receipt documents: CEB receipts and the simulated
// declaration system's DecResult. One unreadable document fails the whole body with an Invalid
// error naming the document, element and line, so that nothing of a half-understood body is
// applied.
func (Messages) DecodeReceipts(body []byte) ([]customs.Receipt, error) {
	docs := ceb.SplitDocuments(body)
	if len(docs) == 0 {
		return nil, domain.InvalidField("body", "empty_body", "the body holds no XML document")
	}
	var out []customs.Receipt
	for _, doc := range docs {
		if doc.Err != nil {
			return nil, parseProblem(doc.Index, doc.Err)
		}
		if bytes.Contains(doc.Data[:min(len(doc.Data), 512)], []byte("DecResult")) {
			r, err := decodeDecResult(doc.Data)
			if err != nil {
				return nil, domain.InvalidField(fmt.Sprintf("document[%d]/DecResult", doc.Index), "malformed_receipt", err.Error())
			}
			out = append(out, r)
			continue
		}
		rs, err := ceb.ParseReceipts(doc.Data)
		if err != nil {
			return nil, parseProblem(doc.Index, err)
		}
		for _, r := range rs {
			out = append(out, fromCEB(r))
		}
	}
	return out, nil
}

func parseProblem(index int, err error) error {
	field := fmt.Sprintf("document[%d]", index)
	if pe, ok := err.(*ceb.ParseError); ok {
		if pe.Path != "" {
			field += "/" + pe.Path
		} else if pe.Element != "" {
			field += "/" + pe.Element
		}
		return domain.InvalidField(field, "malformed_receipt", pe.Error())
	}
	return domain.InvalidField(field, "malformed_receipt", err.Error())
}

func fromCEB(r ceb.Receipt) customs.Receipt {
	out := customs.Receipt{
		Message: r.Message, GUID: r.GUID, ReturnStatus: r.ReturnStatus, ReturnTime: r.ReturnTime,
		ReturnInfo: r.ReturnInfo, PreNo: r.PreNo, InvtNo: r.InvtNo, EntryID: r.EntryID, SumNo: r.SumNo,
	}
	if r.Message == customs.MessageSummaryResult {
		out.ReturnStatus, out.DecTmpNo = r.DecState, r.DecTmpNo
	}
	return out
}

func decodeDecResult(data []byte) (customs.Receipt, error) {
	var d decResult
	if err := xml.Unmarshal(data, &d); err != nil {
		return customs.Receipt{}, err
	}
	if d.GUID == "" || d.Channel == "" || d.NoticeTime == "" {
		return customs.Receipt{}, fmt.Errorf("DecResult needs guid, channel and noticeTime")
	}
	at, err := ceb.ParseReturnTime(d.NoticeTime)
	if err != nil {
		return customs.Receipt{}, fmt.Errorf("noticeTime: %w", err)
	}
	return customs.Receipt{Message: "DEC", GUID: d.GUID, ReturnStatus: d.Channel, ReturnTime: at,
		ReturnInfo: d.Note, EntryID: d.EntryID}, nil
}

// entry answers an entry declaration with the channel statuses of the declaration system:
// L (accepted, numbered), then C (inspection) for a high-risk heading, P (released), R (cleared).
func (s *Simulator) entry(ctx context.Context, data []byte) ([]receipt, error) {
	msg, err := ceb.ParseDecMessage(data)
	if err != nil {
		return nil, err
	}
	if msg.GUID == "" {
		return nil, fmt.Errorf("entry declaration without a guid")
	}
	appTime, err := ceb.ParseAppTime(msg.AppTime)
	if err != nil {
		return nil, fmt.Errorf("entry declaration appTime: %w", err)
	}
	entryID, _ := customs.FormatEntryID(s.cfg.District, appTime.In(ceb.China).Year(), true, serial(msg.GUID, "entry"))
	channels := []string{"L"}
	var lines []ceb.InventoryList
	for _, l := range msg.DecLists.DecList {
		lines = append(lines, ceb.InventoryList{GCode: l.CodeTS})
	}
	reason := ""
	for _, l := range msg.DecLists.DecList {
		if !code.KnownHSHeading(l.CodeTS) {
			reason = "商品编码" + l.CodeTS + "不存在 unknown HS heading"
		}
	}
	if reason == "" {
		if reason, err = s.judgeEntryParties(ctx, msg.DecHead); err != nil {
			return nil, err
		}
	}
	if reason != "" {
		channels = []string{"E"}
	} else {
		if s.highRisk(lines) || s.dice(msg.GUID).Float64() < s.cfg.InspectionShare {
			channels = append(channels, "C")
		}
		channels = append(channels, "P", "R")
	}
	// A declaration customs generated from a summary is declared under its temporary number:
	// the summary hears of it too (CEB792 with the entry number and each state).
	var g *generated
	if seq := msg.DecHead.SeqNo; seq != "" {
		raw, err := s.mem.recall(ctx, generatedKey(seq))
		if err != nil {
			return nil, err
		}
		if found, ok := decodeInto[generated](raw, generatedKey(seq)); ok {
			g = &found
		}
	}
	var plan []receipt
	for i, ch := range channels {
		delay, at := s.timing(appTime, i)
		r := decResult{GUID: msg.GUID, Channel: ch, NoticeTime: ceb.FormatReturnTime(at), Note: reason}
		if ch != "E" {
			r.EntryID = entryID
		}
		doc, err := xml.Marshal(r)
		if err != nil {
			return nil, err
		}
		plan = append(plan, receipt{doc: append([]byte(xml.Header), doc...), delay: delay})
		if g != nil {
			res, err := g.result(ch, r.EntryID, at)
			if err != nil {
				return nil, err
			}
			plan = append(plan, receipt{doc: res, delay: delay})
		}
	}
	return s.shuffle(s.dice(msg.GUID), plan), nil
}
