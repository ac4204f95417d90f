package ceb

import "encoding/xml"

// DecNamespace is the namespace used for DecMessage. The official "dec" schema is not in
// testdata/official; this value follows the Single Window naming and is unconfirmed [U].
const DecNamespace = "http://www.chinaport.gov.cn/dec"

// Customs declaration operation types (DecSign.OperType).
const (
	DecOperStage   = "G" // 暂存: stage at the Single Window
	DecOperDeclare = "C" // 申报: declare to customs
)

// DecMessage is the full customs entry declaration (报关单, the Single Window "dec" message) used for
// 9710 / 9810 tickets that need one and for 0110 general trade. Its layout is MODELLED from
// docs/customs.md §4 with the Single Window field names; it is not checked against an official
// schema (none is available here). Marshal writes it in DecNamespace without a prefix; Validate
// checks the presence and shape of the fields described in docs/customs.md §4. Cross-field rules
// (NetWt ≤ GrossWet, DeclTotal = DeclPrice × GQty) belong to the domain and are not checked here.
type DecMessage struct {
	XMLName xml.Name `xml:"http://www.chinaport.gov.cn/dec DecMessage"`
	// GUID identifies the filing, as the guid of a CEB message does; the simulated declaration
	// system answers with it [U: modelled like the rest of this message].
	GUID     string   `xml:"guid,attr,omitempty"`
	AppTime  string   `xml:"appTime,attr,omitempty"` // YYYYMMDDhhmmss, China time, like CEB heads
	Version  string   `xml:"version,attr,omitempty" ceb:"max=10"`
	DecHead  DecHead  `xml:"DecHead"`
	DecLists DecLists `xml:"DecLists"`
	DecSign  DecSign  `xml:"DecSign"`
}

// DecHead is the declaration head (表头).
type DecHead struct {
	SeqNo         string  `xml:"SeqNo,omitempty" ceb:"max=18"`       // Single Window unified number, from a receipt
	EntryID       string  `xml:"EntryId,omitempty" ceb:"len=18,num"` // 海关编号: district 4 + year 4 + flag 1 + serial 9
	IEFlag        string  `xml:"IEFlag" ceb:"enum=I|E"`              // E export
	CustomMaster  string  `xml:"CustomMaster" ceb:"len=4,num"`       // declaring customs district
	IEPort        string  `xml:"IEPort" ceb:"len=4,num"`             // exit port customs district
	TradeMode     string  `xml:"TradeMode" ceb:"len=4,num"`          // 9710, 9810, 0110
	TrafMode      string  `xml:"TrafMode" ceb:"len=1"`               // JGS-20, 3 = railway
	TrafName      string  `xml:"TrafName,omitempty" ceb:"max=50"`
	BillNo        string  `xml:"BillNo,omitempty" ceb:"max=32"`
	ContrNo       string  `xml:"ContrNo,omitempty" ceb:"max=32"`
	TradeCode     string  `xml:"TradeCode" ceb:"len=10"`            // shipper customs code
	TradeCoScc    string  `xml:"TradeCoScc,omitempty" ceb:"len=18"` // shipper USCC
	TradeName     string  `xml:"TradeName" ceb:"req,max=70"`
	OwnerCode     string  `xml:"OwnerCode,omitempty" ceb:"len=10"` // producer / seller
	OwnerCodeScc  string  `xml:"OwnerCodeScc,omitempty" ceb:"len=18"`
	OwnerName     string  `xml:"OwnerName,omitempty" ceb:"max=70"`
	AgentCode     string  `xml:"AgentCode" ceb:"len=10"` // broker
	AgentCodeScc  string  `xml:"AgentCodeScc,omitempty" ceb:"len=18"`
	AgentName     string  `xml:"AgentName" ceb:"req,max=70"`
	TradeCountry  string  `xml:"TradeCountry" ceb:"len=3"`           // ISO alpha-3 on the declaration
	DistinatePort string  `xml:"DistinatePort" ceb:"req,max=6"`      // [sic] Single Window spelling
	TransMode     string  `xml:"TransMode" ceb:"len=1"`              // 成交方式 (1 CIF, 2 C&F, 3 FOB, ...)
	FeeMark       string  `xml:"FeeMark,omitempty" ceb:"enum=1|2|3"` // freight: 1 rate, 2 per unit, 3 total
	FeeRate       Decimal `xml:"FeeRate,omitempty"`
	FeeCurr       string  `xml:"FeeCurr,omitempty" ceb:"len=3"`
	InsurMark     string  `xml:"InsurMark,omitempty" ceb:"enum=1|3"` // insurance: 1 rate, 3 total
	InsurRate     Decimal `xml:"InsurRate,omitempty"`
	InsurCurr     string  `xml:"InsurCurr,omitempty" ceb:"len=3"`
	PackNo        int     `xml:"PackNo" ceb:"digits=9,pos"`
	WrapType      string  `xml:"WrapType" ceb:"req,max=2"`
	GrossWet      Decimal `xml:"GrossWet" ceb:"req"` // kg
	NetWt         Decimal `xml:"NetWt" ceb:"req"`    // kg
	NoteS         string  `xml:"NoteS,omitempty" ceb:"max=255"`
}

// DecLists holds the goods lines.
type DecLists struct {
	DecList []DecList `xml:"DecList" ceb:"items=1..50"`
}

// DecList is one goods line (表体).
type DecList struct {
	GNo                int     `xml:"GNo" ceb:"digits=2,pos"`  // 1..50 in order
	CodeTS             string  `xml:"CodeTS" ceb:"len=10,num"` // HS code
	CiqCode            string  `xml:"CiqCode" ceb:"len=3,num"` // CIQ code
	GName              string  `xml:"GName" ceb:"req,max=255"`
	GModel             string  `xml:"GModel" ceb:"req,max=255"` // 申报要素, pipe-separated
	GQty               Decimal `xml:"GQty" ceb:"req"`
	GUnit              string  `xml:"GUnit" ceb:"len=3"`
	FirstQty           Decimal `xml:"FirstQty" ceb:"req"`
	FirstUnit          string  `xml:"FirstUnit" ceb:"len=3"`
	SecondQty          Decimal `xml:"SecondQty,omitempty"`
	SecondUnit         string  `xml:"SecondUnit,omitempty" ceb:"len=3"`
	DeclPrice          Decimal `xml:"DeclPrice" ceb:"req"`
	DeclTotal          Decimal `xml:"DeclTotal" ceb:"req"`
	TradeCurr          string  `xml:"TradeCurr" ceb:"len=3"`
	OriginCountry      string  `xml:"OriginCountry" ceb:"len=3"`
	DestinationCountry string  `xml:"DestinationCountry" ceb:"len=3"`
}

// DecSign carries the operation and the declarant; a declared (C) message is signed by the
// E-Port client on the marshalled bytes.
type DecSign struct {
	OperType    string `xml:"OperType" ceb:"enum=G|C"`
	CopCode     string `xml:"CopCode" ceb:"req,max=18"`
	OperName    string `xml:"OperName" ceb:"req,max=50"`
	ClientSeqNo string `xml:"ClientSeqNo" ceb:"req,max=18"` // the service's own id of the declaration
}

func (*DecMessage) MessageType() string { return "DecMessage" }
func (*DecMessage) rootName() string    { return "DecMessage" }
