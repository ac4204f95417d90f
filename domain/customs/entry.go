package customs

import (
	"slices"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// Trade modes that file a full customs declaration (报关单) here (docs/customs.md §2).
const (
	TradeMode9710 = "9710" // 跨境电商B2B直接出口
	TradeMode9810 = "9810" // 跨境电商出口海外仓
	TradeMode0110 = "0110" // 一般贸易
)

// EntryTradeModes are the trade modes an entry declaration may use.
var EntryTradeModes = []string{TradeMode9710, TradeMode9810, TradeMode0110}

// TransModes are the 成交方式 codes: 1 CIF, 2 C&F, 3 FOB, 4 C&I, 5 market price, 6 垫仓, 7 EXW.
var TransModes = []string{"1", "2", "3", "4", "5", "6", "7"}

// Entry declaration limits.
const (
	MaxEntryLines  = 50  // goods lines per declaration
	MaxGName       = 255 // GName
	MaxGModel      = 255 // GModel (申报要素, pipe-separated)
	MaxTrafName    = 50  // TrafName
	MaxBillNo      = 32  // BillNo
	MaxContrNo     = 32  // ContrNo
	MaxEntryNote   = 255 // Note
	MaxEntryTrader = 100 // TradeName, OwnerName, AgentName
)

// declTotalTolerance is how far a given DeclTotal may be from DeclPrice × GQty: a cent.
var declTotalTolerance = code.MustDecimal("0.01")

// maxRoundable is the largest product that rounds to cents without leaving Decimal's range.
var maxRoundable = code.MaxDecimal.Sub(declTotalTolerance)

// EntryDraft is a full customs declaration as a client sends it: the head and 1..50 goods
// lines, field names as in the Single Window message in camelCase. ValidateEntry turns it into
// an Entry.
type EntryDraft struct {
	IEFlag        string           `json:"ieFlag,omitempty"` // "E"; the default
	CustomMaster  string           `json:"customMaster"`     // declaring district, 4 digits
	IEPort        string           `json:"iePort"`           // exit district, 4 digits
	TradeMode     string           `json:"tradeMode"`        // 9710, 9810 or 0110
	TrafMode      string           `json:"trafMode,omitempty"`
	TrafName      string           `json:"trafName,omitempty"`
	BillNo        string           `json:"billNo,omitempty"`
	ContrNo       string           `json:"contrNo,omitempty"`
	TradeCode     string           `json:"tradeCode"` // shipper: customs code (10)
	TradeCoScc    string           `json:"tradeCoScc,omitempty"`
	TradeName     string           `json:"tradeName"`
	OwnerCode     string           `json:"ownerCode,omitempty"` // producer; default the shipper
	OwnerCodeScc  string           `json:"ownerCodeScc,omitempty"`
	OwnerName     string           `json:"ownerName,omitempty"`
	AgentCode     string           `json:"agentCode"` // declarant: customs code (10)
	AgentCodeScc  string           `json:"agentCodeScc,omitempty"`
	AgentName     string           `json:"agentName"`
	TradeCountry  string           `json:"tradeCountry"`            // ISO 3166-1
	DistinatePort string           `json:"distinatePort,omitempty"` // customs port code: ISO alpha-3 + 3 digits
	TransMode     string           `json:"transMode"`               // 1..7
	FeeMark       string           `json:"feeMark,omitempty"`       // 1 rate, 2 per unit, 3 total
	FeeRate       *code.Decimal    `json:"feeRate,omitempty"`
	FeeCurr       string           `json:"feeCurr,omitempty"`
	InsurMark     string           `json:"insurMark,omitempty"` // 1 rate, 3 total
	InsurRate     *code.Decimal    `json:"insurRate,omitempty"`
	InsurCurr     string           `json:"insurCurr,omitempty"`
	PackNo        int64            `json:"packNo"`
	WrapType      string           `json:"wrapType"` // 2 digits
	GrossWet      code.Decimal     `json:"grossWet"` // kg
	NetWt         code.Decimal     `json:"netWt"`    // kg
	Note          string           `json:"note,omitempty"`
	Lines         []EntryLineDraft `json:"lines"`
}

// EntryLineDraft is one goods line as sent. DeclPrice is a pointer so that a missing price is
// "required"; DeclTotal may be left out and is then computed (rounded to cents). GNo may be left
// out (0) and is then the line's place.
type EntryLineDraft struct {
	GNo                int           `json:"gNo,omitempty"`
	CodeTS             string        `json:"codeTS"`
	CiqCode            string        `json:"ciqCode,omitempty"`
	GName              string        `json:"gName"`
	GModel             string        `json:"gModel"`
	GQty               code.Decimal  `json:"gQty"`
	GUnit              string        `json:"gUnit"`
	FirstQty           code.Decimal  `json:"firstQty"`
	FirstUnit          string        `json:"firstUnit"`
	SecondQty          *code.Decimal `json:"secondQty,omitempty"`
	SecondUnit         string        `json:"secondUnit,omitempty"`
	DeclPrice          *code.Decimal `json:"declPrice"`
	DeclTotal          *code.Decimal `json:"declTotal,omitempty"`
	TradeCurr          string        `json:"tradeCurr"`
	OriginCountry      string        `json:"originCountry"`
	DestinationCountry string        `json:"destinationCountry"`
}

// Entry is a checked customs declaration: strings trimmed, codes upper-cased, countries as ISO
// alpha-2, currencies ISO, defaults filled (ieFlag E, trafMode 3, owner = shipper), every GNo
// and DeclTotal present.
type Entry struct {
	// SeqNo and SummaryID are set on a declaration customs generated from a summary: the
	// temporary number it was staged under (the summary's decTmpNo) and the summary.
	SeqNo         string       `json:"seqNo,omitempty"`
	SummaryID     string       `json:"summaryId,omitempty"`
	IEFlag        string       `json:"ieFlag"`
	CustomMaster  string       `json:"customMaster"`
	IEPort        string       `json:"iePort"`
	TradeMode     string       `json:"tradeMode"`
	TrafMode      string       `json:"trafMode"`
	TrafName      string       `json:"trafName,omitempty"`
	BillNo        string       `json:"billNo,omitempty"`
	ContrNo       string       `json:"contrNo,omitempty"`
	TradeCode     string       `json:"tradeCode"`
	TradeCoScc    string       `json:"tradeCoScc,omitempty"`
	TradeName     string       `json:"tradeName"`
	OwnerCode     string       `json:"ownerCode"`
	OwnerCodeScc  string       `json:"ownerCodeScc,omitempty"`
	OwnerName     string       `json:"ownerName"`
	AgentCode     string       `json:"agentCode"`
	AgentCodeScc  string       `json:"agentCodeScc,omitempty"`
	AgentName     string       `json:"agentName"`
	TradeCountry  string       `json:"tradeCountry"`
	DistinatePort string       `json:"distinatePort,omitempty"`
	TransMode     string       `json:"transMode"`
	FeeMark       string       `json:"feeMark,omitempty"`
	FeeRate       code.Decimal `json:"feeRate"`
	FeeCurr       string       `json:"feeCurr,omitempty"`
	InsurMark     string       `json:"insurMark,omitempty"`
	InsurRate     code.Decimal `json:"insurRate"`
	InsurCurr     string       `json:"insurCurr,omitempty"`
	PackNo        int64        `json:"packNo"`
	WrapType      string       `json:"wrapType"`
	GrossWet      code.Decimal `json:"grossWet"`
	NetWt         code.Decimal `json:"netWt"`
	Note          string       `json:"note,omitempty"`
	Lines         []EntryLine  `json:"lines"`
}

// EntryLine is one checked goods line.
type EntryLine struct {
	GNo                int           `json:"gNo"`
	CodeTS             string        `json:"codeTS"`
	CiqCode            string        `json:"ciqCode,omitempty"`
	GName              string        `json:"gName"`
	GModel             string        `json:"gModel"`
	GQty               code.Decimal  `json:"gQty"`
	GUnit              string        `json:"gUnit"`
	FirstQty           code.Decimal  `json:"firstQty"`
	FirstUnit          string        `json:"firstUnit"`
	SecondQty          *code.Decimal `json:"secondQty,omitempty"`
	SecondUnit         string        `json:"secondUnit,omitempty"`
	DeclPrice          code.Decimal  `json:"declPrice"`
	DeclTotal          code.Decimal  `json:"declTotal"`
	TradeCurr          string        `json:"tradeCurr"`
	OriginCountry      string        `json:"originCountry"`
	DestinationCountry string        `json:"destinationCountry"`
}

func (e Entry) clone() Entry {
	c := e
	c.Lines = slices.Clone(e.Lines)
	for i := range c.Lines {
		if q := c.Lines[i].SecondQty; q != nil {
			qq := *q
			c.Lines[i].SecondQty = &qq
		}
	}
	return c
}

// Draft turns a checked declaration back into a draft, e.g. for a client to change and send to
// EditEntry.
func (e Entry) Draft() EntryDraft {
	feeRate, insurRate := e.FeeRate, e.InsurRate
	d := EntryDraft{
		IEFlag: e.IEFlag, CustomMaster: e.CustomMaster, IEPort: e.IEPort, TradeMode: e.TradeMode,
		TrafMode: e.TrafMode, TrafName: e.TrafName, BillNo: e.BillNo, ContrNo: e.ContrNo,
		TradeCode: e.TradeCode, TradeCoScc: e.TradeCoScc, TradeName: e.TradeName,
		OwnerCode: e.OwnerCode, OwnerCodeScc: e.OwnerCodeScc, OwnerName: e.OwnerName,
		AgentCode: e.AgentCode, AgentCodeScc: e.AgentCodeScc, AgentName: e.AgentName,
		TradeCountry: e.TradeCountry, DistinatePort: e.DistinatePort, TransMode: e.TransMode,
		FeeMark: e.FeeMark, FeeCurr: e.FeeCurr, InsurMark: e.InsurMark, InsurCurr: e.InsurCurr,
		PackNo: e.PackNo, WrapType: e.WrapType, GrossWet: e.GrossWet, NetWt: e.NetWt, Note: e.Note,
	}
	if e.FeeMark != "" {
		d.FeeRate = &feeRate
	}
	if e.InsurMark != "" {
		d.InsurRate = &insurRate
	}
	d.Lines = make([]EntryLineDraft, len(e.Lines))
	for i, l := range e.Lines {
		price, total := l.DeclPrice, l.DeclTotal
		var second *code.Decimal
		if l.SecondQty != nil {
			q := *l.SecondQty
			second = &q
		}
		d.Lines[i] = EntryLineDraft{
			GNo: l.GNo, CodeTS: l.CodeTS, CiqCode: l.CiqCode, GName: l.GName, GModel: l.GModel,
			GQty: l.GQty, GUnit: l.GUnit, FirstQty: l.FirstQty, FirstUnit: l.FirstUnit,
			SecondQty: second, SecondUnit: l.SecondUnit, DeclPrice: &price, DeclTotal: &total,
			TradeCurr: l.TradeCurr, OriginCountry: l.OriginCountry, DestinationCountry: l.DestinationCountry,
		}
	}
	return d
}

// DeclTotal is the sum of the lines' totals per currency.
func (e Entry) DeclTotal() map[string]code.Decimal {
	out := map[string]code.Decimal{}
	for _, l := range e.Lines {
		out[l.TradeCurr] = out[l.TradeCurr].Add(l.DeclTotal)
	}
	return out
}

// ValidateEntry checks a declaration draft and returns the normalised declaration. Every
// problem comes back at once in one Invalid error whose field errors carry JSON paths
// ("customMaster", "lines[2].declTotal"); the error's own code is the first problem's.
//
// Rules (docs/customs.md §4): ieFlag E; customMaster and iePort 4-digit districts; tradeMode 9710,
// 9810 or 0110; trafMode a JGS-20 code (2,3,4,5,6,7,9; default 3, railway); tradeCode /
// agentCode 10-character customs codes with names, the *Scc fields USCCs; tradeCountry an ISO
// country; distinatePort a customs port code (ISO alpha-3 + 3 digits) when given; transMode
// 1..7; fee / insurance marks with a positive rate (and a currency unless a rate in percent);
// packNo > 0; wrapType 2 digits; grossWet > 0, 0 < netWt ≤ grossWet; 1..50 lines, gNo 1..n in
// order; codeTS 10 digits; ciqCode 3 digits when given; gQty, firstQty > 0 with valid unit
// codes (second quantity and unit together or not at all); declPrice > 0; declTotal = declPrice
// × gQty within 0.01 (computed when absent); tradeCurr an ISO currency; origin and destination
// ISO countries.
//
// Codes: required, too_long, invalid_ie_flag, invalid_customs_district, invalid_trade_mode,
// invalid_traf_mode, invalid_customs_code, invalid_uscc, invalid_country, invalid_port,
// invalid_trans_mode, invalid_fee_mark, invalid_currency, must_be_positive, invalid_wrap_type,
// net_exceeds_gross, no_lines, too_many_lines, invalid_gno, invalid_hs_code, invalid_ciq_code,
// invalid_unit, decl_total_mismatch, out_of_range.
func ValidateEntry(d EntryDraft) (Entry, error) { return validateEntry(d, EntryTradeModes) }

// validateEntry is ValidateEntry for a declaration of one of tradeModes.
func validateEntry(d EntryDraft, tradeModes []string) (Entry, error) {
	var v domain.Violations
	e := Entry{
		IEFlag:        upper(d.IEFlag),
		CustomMaster:  strings.TrimSpace(d.CustomMaster),
		IEPort:        strings.TrimSpace(d.IEPort),
		TradeMode:     strings.TrimSpace(d.TradeMode),
		TrafMode:      strings.TrimSpace(d.TrafMode),
		TrafName:      strings.TrimSpace(d.TrafName),
		BillNo:        strings.TrimSpace(d.BillNo),
		ContrNo:       strings.TrimSpace(d.ContrNo),
		TradeCode:     upper(d.TradeCode),
		TradeCoScc:    upper(d.TradeCoScc),
		TradeName:     strings.TrimSpace(d.TradeName),
		OwnerCode:     upper(d.OwnerCode),
		OwnerCodeScc:  upper(d.OwnerCodeScc),
		OwnerName:     strings.TrimSpace(d.OwnerName),
		AgentCode:     upper(d.AgentCode),
		AgentCodeScc:  upper(d.AgentCodeScc),
		AgentName:     strings.TrimSpace(d.AgentName),
		DistinatePort: upper(d.DistinatePort),
		TransMode:     strings.TrimSpace(d.TransMode),
		FeeMark:       strings.TrimSpace(d.FeeMark),
		InsurMark:     strings.TrimSpace(d.InsurMark),
		PackNo:        d.PackNo,
		WrapType:      strings.TrimSpace(d.WrapType),
		GrossWet:      d.GrossWet,
		NetWt:         d.NetWt,
		Note:          strings.TrimSpace(d.Note),
	}

	switch e.IEFlag {
	case "":
		e.IEFlag = "E"
	case "E":
	default:
		v.Add("ieFlag", "invalid_ie_flag", `ieFlag is "E": Silkgate files exports only`)
	}
	checkDistrict(&v, "customMaster", e.CustomMaster)
	checkDistrict(&v, "iePort", e.IEPort)
	if e.TradeMode == "" {
		v.Add("tradeMode", "required", "tradeMode is required")
	} else if !slices.Contains(tradeModes, e.TradeMode) {
		v.Add("tradeMode", "invalid_trade_mode", "an entry declaration's tradeMode is 9710, 9810 or 0110")
	}
	checkTrafMode(&v, &e.TrafMode)
	checkText(&v, "trafName", e.TrafName, false, MaxTrafName)
	checkText(&v, "billNo", e.BillNo, false, MaxBillNo)
	checkText(&v, "contrNo", e.ContrNo, false, MaxContrNo)

	checkCustomsCode(&v, "tradeCode", e.TradeCode, true)
	checkUSCC(&v, "tradeCoScc", e.TradeCoScc)
	checkText(&v, "tradeName", e.TradeName, true, MaxEntryTrader)
	if e.OwnerCode == "" && e.OwnerCodeScc == "" && e.OwnerName == "" {
		e.OwnerCode, e.OwnerCodeScc, e.OwnerName = e.TradeCode, e.TradeCoScc, e.TradeName
	} else {
		checkCustomsCode(&v, "ownerCode", e.OwnerCode, false)
		checkUSCC(&v, "ownerCodeScc", e.OwnerCodeScc)
		if e.OwnerCode == "" && e.OwnerCodeScc == "" {
			v.Add("ownerCode", "required", "ownerCode or ownerCodeScc is required with an owner")
		}
		checkText(&v, "ownerName", e.OwnerName, true, MaxEntryTrader)
	}
	checkCustomsCode(&v, "agentCode", e.AgentCode, true)
	checkUSCC(&v, "agentCodeScc", e.AgentCodeScc)
	checkText(&v, "agentName", e.AgentName, true, MaxEntryTrader)

	e.TradeCountry = code.CheckCountry(&v, "tradeCountry", d.TradeCountry)
	if e.DistinatePort != "" {
		checkPort(&v, "distinatePort", e.DistinatePort)
	}
	if e.TransMode == "" {
		v.Add("transMode", "required", "transMode is required")
	} else if !slices.Contains(TransModes, e.TransMode) {
		v.Add("transMode", "invalid_trans_mode", "transMode is 1 CIF, 2 C&F, 3 FOB, 4 C&I, 5 market price, 6 垫仓 or 7 EXW")
	}
	e.FeeRate, e.FeeCurr = checkCharge(&v, "fee", e.FeeMark, d.FeeRate, d.FeeCurr, []string{"1", "2", "3"})
	e.InsurRate, e.InsurCurr = checkCharge(&v, "insur", e.InsurMark, d.InsurRate, d.InsurCurr, []string{"1", "3"})

	if e.PackNo <= 0 {
		v.Add("packNo", "must_be_positive", "packNo must be more than 0")
	}
	if e.WrapType == "" {
		v.Add("wrapType", "required", "wrapType is required")
	} else if len(e.WrapType) != 2 || !allDigits(e.WrapType) {
		v.Add("wrapType", "invalid_wrap_type", "wrapType is a 2-digit packaging code")
	}
	if e.GrossWet.Sign() <= 0 {
		v.Add("grossWet", "must_be_positive", "grossWet must be more than 0")
	}
	if e.NetWt.Sign() <= 0 {
		v.Add("netWt", "must_be_positive", "netWt must be more than 0")
	} else if e.GrossWet.Sign() > 0 && e.NetWt.Cmp(e.GrossWet) > 0 {
		v.Add("netWt", "net_exceeds_gross", "netWt may not exceed grossWet")
	}
	checkText(&v, "note", e.Note, false, MaxEntryNote)

	e.Lines = checkLines(&v, d.Lines)
	if err := v.Err(); err != nil {
		return Entry{}, err
	}
	return e, nil
}

func checkCustomsCode(v *domain.Violations, field, s string, required bool) {
	if s == "" {
		if required {
			v.Add(field, "required", field+" is required")
		}
		return
	}
	if err := code.CheckCustomsCode(s); err != nil {
		v.AddError(field, err)
	}
}

func checkUSCC(v *domain.Violations, field, s string) {
	if s == "" {
		return
	}
	if err := code.CheckUSCC(s); err != nil {
		v.AddError(field, err)
	}
}

// checkPort accepts a customs port code (港口代码): the ISO alpha-3 code of the port's country
// and three digits ("DEU204"). The layout is that of the 2018 customs port table [U]: check the
// table before connecting to the real Single Window.
func checkPort(v *domain.Violations, field, s string) {
	if len(s) != 6 || !allDigits(s[3:]) {
		v.Add(field, "invalid_port", field+" is a customs port code: ISO alpha-3 country + 3 digits")
		return
	}
	if _, err := code.NormalizeCountry(s[:3]); err != nil {
		v.Add(field, "invalid_port", field+" does not start with a known ISO alpha-3 country")
	}
}

// checkCharge checks a freight or insurance mark (prefix "fee" or "insur") with its rate and
// currency: no mark, no rate nor currency; mark 1 is a rate in percent (no currency); the other
// marks are amounts in a currency.
func checkCharge(v *domain.Violations, prefix, mark string, rate *code.Decimal, curr string, marks []string) (code.Decimal, string) {
	markF, rateF, currF := prefix+"Mark", prefix+"Rate", prefix+"Curr"
	curr = strings.TrimSpace(curr)
	if mark == "" {
		if rate != nil || curr != "" {
			v.Add(markF, "required", markF+" is required with "+rateF+" or "+currF)
		}
		return code.Decimal{}, ""
	}
	if !slices.Contains(marks, mark) {
		v.Add(markF, "invalid_fee_mark", markF+" is one of "+strings.Join(marks, ", ")+" (1 rate, 2 per unit, 3 total)")
		return code.Decimal{}, ""
	}
	var r code.Decimal
	switch {
	case rate == nil:
		v.Add(rateF, "required", rateF+" is required with "+markF)
	case rate.Sign() <= 0:
		v.Add(rateF, "must_be_positive", rateF+" must be more than 0")
	default:
		r = *rate
	}
	if mark == "1" {
		if curr != "" {
			v.Add(currF, "not_applicable", currF+" is not used with a rate in percent")
		}
		return r, ""
	}
	return r, checkCurrency(v, currF, curr, true)
}

func checkLines(v *domain.Violations, lines []EntryLineDraft) []EntryLine {
	switch {
	case len(lines) == 0:
		v.Add("lines", "no_lines", "a declaration has at least one goods line")
		return nil
	case len(lines) > MaxEntryLines:
		v.Add("lines", "too_many_lines", "a declaration has at most "+strconv.Itoa(MaxEntryLines)+" goods lines")
		return nil
	}
	out := make([]EntryLine, len(lines))
	for i, d := range lines {
		p := index("lines", i)
		l := EntryLine{
			GNo:        d.GNo,
			CodeTS:     strings.TrimSpace(d.CodeTS),
			CiqCode:    strings.TrimSpace(d.CiqCode),
			GName:      strings.TrimSpace(d.GName),
			GModel:     strings.TrimSpace(d.GModel),
			GQty:       d.GQty,
			GUnit:      strings.TrimSpace(d.GUnit),
			FirstQty:   d.FirstQty,
			FirstUnit:  strings.TrimSpace(d.FirstUnit),
			SecondUnit: strings.TrimSpace(d.SecondUnit),
		}
		switch {
		case l.GNo == 0:
			l.GNo = i + 1
		case l.GNo != i+1:
			v.Add(p+".gNo", "invalid_gno", "gNo numbers the lines 1, 2, 3, ... in order: this one is "+strconv.Itoa(i+1))
		}
		if l.CodeTS == "" {
			v.Add(p+".codeTS", "required", "codeTS is required")
		} else if err := code.CheckHSCode(l.CodeTS); err != nil {
			v.AddError(p+".codeTS", err)
		}
		if l.CiqCode != "" && (len(l.CiqCode) != 3 || !allDigits(l.CiqCode)) {
			v.Add(p+".ciqCode", "invalid_ciq_code", "ciqCode has 3 digits")
		}
		checkText(v, p+".gName", l.GName, true, MaxGName)
		checkText(v, p+".gModel", l.GModel, true, MaxGModel)
		checkQtyUnit(v, p, "gQty", "gUnit", l.GQty, l.GUnit, true)
		checkQtyUnit(v, p, "firstQty", "firstUnit", l.FirstQty, l.FirstUnit, true)
		switch {
		case d.SecondQty != nil:
			q := *d.SecondQty
			l.SecondQty = &q
			checkQtyUnit(v, p, "secondQty", "secondUnit", q, l.SecondUnit, true)
		case l.SecondUnit != "":
			v.Add(p+".secondQty", "required", "secondQty is required with secondUnit")
		}
		priceOK := false
		switch {
		case d.DeclPrice == nil:
			v.Add(p+".declPrice", "required", "declPrice is required")
		case d.DeclPrice.Sign() <= 0:
			v.Add(p+".declPrice", "must_be_positive", "declPrice must be more than 0")
		default:
			l.DeclPrice, priceOK = *d.DeclPrice, true
		}
		checkDeclTotal(v, p, &l, d.DeclTotal, priceOK && l.GQty.Sign() > 0)
		l.TradeCurr = checkCurrency(v, p+".tradeCurr", d.TradeCurr, true)
		l.OriginCountry = code.CheckCountry(v, p+".originCountry", d.OriginCountry)
		l.DestinationCountry = code.CheckCountry(v, p+".destinationCountry", d.DestinationCountry)
		out[i] = l
	}
	return out
}

func checkQtyUnit(v *domain.Violations, p, qtyF, unitF string, qty code.Decimal, unit string, required bool) {
	if qty.Sign() <= 0 {
		v.Add(p+"."+qtyF, "must_be_positive", qtyF+" must be more than 0")
	}
	if unit == "" {
		if required {
			v.Add(p+"."+unitF, "required", unitF+" is required")
		}
	} else if err := code.CheckUnit(unit); err != nil {
		v.AddError(p+"."+unitF, err)
	}
}

// checkDeclTotal checks a given DeclTotal against DeclPrice × GQty (within 0.01) or computes it,
// rounded to cents, when absent; canCompare says price and quantity are usable.
func checkDeclTotal(v *domain.Violations, p string, l *EntryLine, given *code.Decimal, canCompare bool) {
	if given != nil && given.Sign() <= 0 {
		v.Add(p+".declTotal", "must_be_positive", "declTotal must be more than 0")
		return
	}
	if !canCompare {
		return
	}
	product, err := l.GQty.CheckedMul(l.DeclPrice)
	if err != nil || product.Cmp(maxRoundable) > 0 {
		v.Add(p+".declTotal", "out_of_range", "gQty × declPrice is out of range")
		return
	}
	if given == nil {
		l.DeclTotal = product.Round(2)
		return
	}
	if diff, err := given.CheckedSub(product); err != nil || diff.Abs().Cmp(declTotalTolerance) > 0 {
		v.Add(p+".declTotal", "decl_total_mismatch",
			"declTotal "+given.String()+" is not declPrice × gQty = "+product.String()+" (within 0.01)")
		return
	}
	l.DeclTotal = *given
}
