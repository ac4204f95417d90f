package ceb

import "encoding/xml"

// Namespace is the XML namespace of every CEB message.
const Namespace = "http://www.chinaport.gov.cn/ceb"

// Envelope defaults.
const (
	Version = "1.0" // root version attribute
	DXP     = "DXP" // BaseTransfer.dxpMode: the China E-Port data exchange platform
)

// appType values (报送类型) and appStatus values (报送状态) of the declaration heads.
const (
	AppTypeNew    = "1"
	AppTypeChange = "2"
	AppTypeDelete = "3"

	AppStatusStaged   = "1" // 暂存: kept at the E-Port, not sent to customs
	AppStatusDeclared = "2" // 申报: declared; the E-Port requires the message to be signed
)

// Message is one CEB message (or the DecMessage entry declaration) that Marshal can write.
// The set of implementations is closed: the types of this package.
type Message interface {
	// MessageType is the message kind: "CEB603", "CEB604", ..., or "DecMessage".
	MessageType() string
	rootName() string
}

// BaseTransfer identifies the firm whose client transmits the message (基础报文传输实体); it
// must match the identity of the E-Port client that sends it.
type BaseTransfer struct {
	CopCode string `xml:"copCode" ceb:"req,max=18"`  // transmitting firm: customs code (10) or USCC (18)
	CopName string `xml:"copName" ceb:"req,max=100"` // its registered name
	DxpMode string `xml:"dxpMode" ceb:"req,len=3"`   // "DXP"; Marshal fills it when empty
	DxpID   string `xml:"dxpId" ceb:"req,max=30"`    // the firm's data-exchange-platform user id
	Note    string `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB303 order (电子订单)

// CEB303Message declares e-commerce export orders (电商平台 → E-Port). Receipt: CEB304.
type CEB303Message struct {
	XMLName      xml.Name     `xml:"http://www.chinaport.gov.cn/ceb CEB303Message"`
	GUID         string       `xml:"guid,attr" ceb:"guid"`
	Version      string       `xml:"version,attr" ceb:"req,max=10"`
	Orders       []Order      `xml:"Order" ceb:"items=1..100"`
	BaseTransfer BaseTransfer `xml:"BaseTransfer"`
}

// Order is one order: a head and 1..100 goods lines.
type Order struct {
	Head  OrderHead   `xml:"OrderHead"`
	Lists []OrderList `xml:"OrderList" ceb:"items=1..100"`
}

// OrderHead is the order head (订单表头).
type OrderHead struct {
	GUID       string  `xml:"guid" ceb:"guid"`
	AppType    string  `xml:"appType" ceb:"enum=1|2|3"`
	AppTime    string  `xml:"appTime" ceb:"time14"`
	AppStatus  string  `xml:"appStatus" ceb:"enum=1|2"`
	OrderType  string  `xml:"orderType" ceb:"enum=E|B|W"` // E export order, B B2B export, W foreign-trade service firm
	OrderNo    string  `xml:"orderNo" ceb:"req,max=60"`
	EbpCode    string  `xml:"ebpCode" ceb:"req,max=18"`
	EbpName    string  `xml:"ebpName" ceb:"req,max=100"`
	EbcCode    string  `xml:"ebcCode" ceb:"req,max=18"`
	EbcName    string  `xml:"ebcName" ceb:"req,max=100"`
	GoodsValue Decimal `xml:"goodsValue" ceb:"req"`
	Freight    Decimal `xml:"freight" ceb:"req"` // "0" when none
	Currency   string  `xml:"currency" ceb:"len=3"`
	Note       string  `xml:"note,omitempty" ceb:"max=1000"`
}

// OrderList is one goods line of an order (订单商品表体).
type OrderList struct {
	GNum         int     `xml:"gnum" ceb:"digits=5,pos"`
	ItemNo       string  `xml:"itemNo" ceb:"req,max=30"`
	ItemName     string  `xml:"itemName" ceb:"req,max=250"`
	ItemDescribe string  `xml:"itemDescribe,omitempty" ceb:"max=1000"`
	BarCode      string  `xml:"barCode,omitempty" ceb:"max=50"`
	Unit         string  `xml:"unit" ceb:"len=3"`
	Currency     string  `xml:"currency" ceb:"len=3"`
	Qty          Decimal `xml:"qty" ceb:"req"`
	Price        Decimal `xml:"price" ceb:"req"`
	TotalPrice   Decimal `xml:"totalPrice" ceb:"req"`
	Note         string  `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB403 payment receipt (收款单)

// CEB403Message declares the receipts of payment for export orders (支付企业 or the seller →
// E-Port). Receipt: CEB404.
type CEB403Message struct {
	XMLName      xml.Name     `xml:"http://www.chinaport.gov.cn/ceb CEB403Message"`
	GUID         string       `xml:"guid,attr" ceb:"guid"`
	Version      string       `xml:"version,attr" ceb:"req,max=10"`
	Receipts     []Receipts   `xml:"Receipts" ceb:"items=1..100"`
	BaseTransfer BaseTransfer `xml:"BaseTransfer"`
}

// Receipts is one payment receipt (收款单数据实体): the money collected for one order.
type Receipts struct {
	GUID           string  `xml:"guid" ceb:"guid"`
	AppType        string  `xml:"appType" ceb:"enum=1|2|3"`
	AppTime        string  `xml:"appTime" ceb:"time14"`
	AppStatus      string  `xml:"appStatus" ceb:"enum=1|2"`
	EbpCode        string  `xml:"ebpCode" ceb:"req,max=18"`
	EbpName        string  `xml:"ebpName" ceb:"req,max=100"`
	EbcCode        string  `xml:"ebcCode" ceb:"req,max=18"`
	EbcName        string  `xml:"ebcName" ceb:"req,max=100"`
	OrderNo        string  `xml:"orderNo" ceb:"req,max=60"`
	PayCode        string  `xml:"payCode,omitempty" ceb:"max=18"` // required for a firm in China
	PayName        string  `xml:"payName" ceb:"req,max=100"`
	PayNo          string  `xml:"payNo,omitempty" ceb:"max=60"`
	Charge         Decimal `xml:"charge" ceb:"req"`
	Currency       string  `xml:"currency" ceb:"len=3"`
	AccountingDate string  `xml:"accountingDate" ceb:"time14"` // when the money arrived
	Note           string  `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB507 arrival at the supervised site (运抵单)

// CEB507Message declares that waybills arrived at the supervised site (监管场所经营人 or the
// carrier → E-Port). Receipt: CEB508.
type CEB507Message struct {
	XMLName      xml.Name     `xml:"http://www.chinaport.gov.cn/ceb CEB507Message"`
	GUID         string       `xml:"guid,attr" ceb:"guid"`
	Version      string       `xml:"version,attr" ceb:"req,max=10"`
	Arrivals     []Arrival    `xml:"Arrival" ceb:"items=1..100"`
	BaseTransfer BaseTransfer `xml:"BaseTransfer"`
}

// Arrival is one arrival document: a head and the waybills that arrived.
type Arrival struct {
	Head  ArrivalHead   `xml:"ArrivalHead"`
	Lists []ArrivalList `xml:"ArrivalList"`
}

// ArrivalHead is the arrival head (物流运抵单表头).
type ArrivalHead struct {
	GUID           string `xml:"guid" ceb:"guid"`
	AppType        string `xml:"appType" ceb:"enum=1|2|3"`
	AppTime        string `xml:"appTime" ceb:"time14"`
	AppStatus      string `xml:"appStatus" ceb:"enum=1|2"`
	CustomsCode    string `xml:"customsCode" ceb:"len=4,num"`
	CopNo          string `xml:"copNo" ceb:"req,max=30"`
	PreNo          string `xml:"preNo,omitempty" ceb:"len=18"`
	OperatorCode   string `xml:"operatorCode" ceb:"req,max=18"` // the supervised site's operator
	OperatorName   string `xml:"operatorName" ceb:"req,max=100"`
	LoctNo         string `xml:"loctNo,omitempty" ceb:"max=10"`
	IEFlag         string `xml:"ieFlag" ceb:"enum=E|I"`
	TrafMode       string `xml:"trafMode" ceb:"len=1"`
	BillNo         string `xml:"billNo,omitempty" ceb:"max=37"`
	DomesticTrafNo string `xml:"domesticTrafNo" ceb:"req,max=100"` // the vehicle that brought the goods
	LogisticsCode  string `xml:"logisticsCode" ceb:"req,max=18"`
	LogisticsName  string `xml:"logisticsName" ceb:"req,max=100"`
	MsgCount       int    `xml:"msgCount" ceb:"digits=9,pos"`
	MsgSeqNo       int    `xml:"msgSeqNo" ceb:"digits=9,pos"`
	Note           string `xml:"note,omitempty" ceb:"max=1000"`
}

// ArrivalList is one waybill that arrived.
type ArrivalList struct {
	GNum           int    `xml:"gnum" ceb:"digits=5,pos"`
	LogisticsNo    string `xml:"logisticsNo" ceb:"req,max=32"`
	TotalPackageNo string `xml:"totalPackageNo,omitempty" ceb:"max=37"`
	Note           string `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB505 logistics waybill (物流运单)

// CEB505Message declares logistics waybills (物流企业 → E-Port). Receipt: CEB506.
type CEB505Message struct {
	XMLName      xml.Name     `xml:"http://www.chinaport.gov.cn/ceb CEB505Message"`
	GUID         string       `xml:"guid,attr" ceb:"guid"`
	Version      string       `xml:"version,attr" ceb:"req,max=10"`
	Logistics    []Logistics  `xml:"Logistics" ceb:"items=1..100"`
	BaseTransfer BaseTransfer `xml:"BaseTransfer"`
}

// Logistics is one waybill (物流运单数据实体).
type Logistics struct {
	GUID          string  `xml:"guid" ceb:"guid"`
	AppType       string  `xml:"appType" ceb:"enum=1|2|3"`
	AppTime       string  `xml:"appTime" ceb:"time14"`
	AppStatus     string  `xml:"appStatus" ceb:"enum=1|2"`
	LogisticsCode string  `xml:"logisticsCode" ceb:"req,max=18"`
	LogisticsName string  `xml:"logisticsName" ceb:"req,max=100"`
	LogisticsNo   string  `xml:"logisticsNo" ceb:"req,max=32"` // 32 since 2022-05 (80 before)
	Freight       Decimal `xml:"freight" ceb:"req"`
	InsuredFee    Decimal `xml:"insuredFee" ceb:"req"`
	Currency      string  `xml:"currency" ceb:"len=3"`
	GrossWeight   Decimal `xml:"grossWeight" ceb:"req"` // kg
	PackNo        int     `xml:"packNo" ceb:"digits=9,pos"`
	GoodsInfo     string  `xml:"goodsInfo" ceb:"req,max=200"`
	EbcCode       string  `xml:"ebcCode,omitempty" ceb:"max=18"`
	EbcName       string  `xml:"ebcName,omitempty" ceb:"max=100"`
	EbcTelephone  string  `xml:"ebcTelephone,omitempty" ceb:"max=50"`
	Note          string  `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB509 departure (离境单)

// CEB509Message declares departures: the waybills that left the country on one conveyance.
// Receipt: CEB510.
type CEB509Message struct {
	XMLName      xml.Name     `xml:"http://www.chinaport.gov.cn/ceb CEB509Message"`
	GUID         string       `xml:"guid,attr" ceb:"guid"`
	Version      string       `xml:"version,attr" ceb:"req,max=10"`
	Departures   []Departure  `xml:"Departure" ceb:"items=1..100"`
	BaseTransfer BaseTransfer `xml:"BaseTransfer"`
}

// Departure is a departure head and its waybill lines (1..n, unbounded in 2022-05, 100 before).
type Departure struct {
	Head  DepartureHead   `xml:"DepartureHead"`
	Lists []DepartureList `xml:"DepartureList" ceb:"items=1.."`
}

// DepartureHead is the departure head (物流离境单表头).
type DepartureHead struct {
	GUID          string `xml:"guid" ceb:"guid"`
	AppType       string `xml:"appType" ceb:"enum=1|2|3"`
	AppTime       string `xml:"appTime" ceb:"time14"`
	AppStatus     string `xml:"appStatus" ceb:"enum=1|2"`
	CustomsCode   string `xml:"customsCode" ceb:"len=4,num"`
	CopNo         string `xml:"copNo" ceb:"req,max=30"`
	PreNo         string `xml:"preNo,omitempty" ceb:"len=18"`
	LogisticsCode string `xml:"logisticsCode" ceb:"req,max=18"`
	LogisticsName string `xml:"logisticsName" ceb:"req,max=100"`
	TrafMode      string `xml:"trafMode" ceb:"len=1"` // JGS-20 transport mode, 3 = railway
	TrafName      string `xml:"trafName,omitempty" ceb:"max=100"`
	VoyageNo      string `xml:"voyageNo,omitempty" ceb:"max=32"`
	BillNo        string `xml:"billNo,omitempty" ceb:"max=37"`
	LeaveTime     string `xml:"leaveTime" ceb:"time14"`
	MsgCount      int    `xml:"msgCount" ceb:"digits=9,pos"` // 1 when the message is not split
	MsgSeqNo      int    `xml:"msgSeqNo" ceb:"digits=9,pos"`
	Note          string `xml:"note,omitempty" ceb:"max=1000"`
}

// DepartureList is one waybill on the departing conveyance (物流离境单表体).
type DepartureList struct {
	GNum           int    `xml:"gnum" ceb:"digits=5,pos"`
	TotalPackageNo string `xml:"totalPackageNo,omitempty" ceb:"max=37"`
	LogisticsNo    string `xml:"logisticsNo" ceb:"req,max=32"`
	Note           string `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB603 export inventory list (申报清单)

// CEB603Message declares export inventory lists (申报清单). Receipt: CEB604.
type CEB603Message struct {
	XMLName      xml.Name     `xml:"http://www.chinaport.gov.cn/ceb CEB603Message"`
	GUID         string       `xml:"guid,attr" ceb:"guid"`
	Version      string       `xml:"version,attr" ceb:"req,max=10"`
	Inventories  []Inventory  `xml:"Inventory" ceb:"items=1..100"`
	BaseTransfer BaseTransfer `xml:"BaseTransfer"`
}

// Inventory is one inventory list: a head and 1..100 goods lines.
type Inventory struct {
	Head  InventoryHead   `xml:"InventoryHead"`
	Lists []InventoryList `xml:"InventoryList" ceb:"items=1..100"`
}

// InventoryHead is the export inventory list head (出口清单表头), in schema order.
type InventoryHead struct {
	GUID           string  `xml:"guid" ceb:"guid"`
	AppType        string  `xml:"appType" ceb:"enum=1|2|3"`
	AppTime        string  `xml:"appTime" ceb:"time14"`
	AppStatus      string  `xml:"appStatus" ceb:"enum=1|2"`
	CustomsCode    string  `xml:"customsCode" ceb:"len=4,num"` // declaring customs district
	EbpCode        string  `xml:"ebpCode" ceb:"req,max=18"`    // platform
	EbpName        string  `xml:"ebpName" ceb:"req,max=100"`
	OrderNo        string  `xml:"orderNo" ceb:"req,max=60"`
	LogisticsCode  string  `xml:"logisticsCode" ceb:"req,max=18"`
	LogisticsName  string  `xml:"logisticsName" ceb:"req,max=100"`
	LogisticsNo    string  `xml:"logisticsNo" ceb:"req,max=32"` // 32 since 2022-05 (80 before)
	CopNo          string  `xml:"copNo" ceb:"req,max=30"`       // the firm's own id of the list
	PreNo          string  `xml:"preNo,omitempty" ceb:"len=18"` // E-Port id, known only after a receipt
	InvtNo         string  `xml:"invtNo,omitempty" ceb:"max=20"`
	IEFlag         string  `xml:"ieFlag" ceb:"enum=E"`
	PortCode       string  `xml:"portCode" ceb:"len=4,num"` // exit customs district
	IEDate         string  `xml:"ieDate" ceb:"date8"`
	StatisticsFlag string  `xml:"statisticsFlag" ceb:"enum=A|B"` // A simplified, B summarised
	AgentCode      string  `xml:"agentCode" ceb:"req,max=18"`    // declarant (broker)
	AgentName      string  `xml:"agentName" ceb:"req,max=100"`
	EbcCode        string  `xml:"ebcCode" ceb:"req,max=18"` // seller
	EbcName        string  `xml:"ebcName" ceb:"req,max=100"`
	OwnerCode      string  `xml:"ownerCode" ceb:"req,max=18"` // producer / actual shipper
	OwnerName      string  `xml:"ownerName" ceb:"req,max=100"`
	IacCode        string  `xml:"iacCode,omitempty" ceb:"max=18"` // zone warehouse firm, 1210 only
	IacName        string  `xml:"iacName,omitempty" ceb:"max=100"`
	EmsNo          string  `xml:"emsNo,omitempty" ceb:"max=30"` // bonded account book, 1210 only
	TradeMode      string  `xml:"tradeMode" ceb:"len=4,num"`    // 9610, 1210, 1239, 9710, 9810
	TrafMode       string  `xml:"trafMode" ceb:"len=1"`
	TrafName       string  `xml:"trafName,omitempty" ceb:"max=100"`
	VoyageNo       string  `xml:"voyageNo,omitempty" ceb:"max=32"`
	BillNo         string  `xml:"billNo,omitempty" ceb:"max=37"`
	TotalPackageNo string  `xml:"totalPackageNo,omitempty" ceb:"max=37"`
	LoctNo         string  `xml:"loctNo,omitempty" ceb:"max=10"`
	LicenseNo      string  `xml:"licenseNo,omitempty" ceb:"max=19"`
	Country        string  `xml:"country" ceb:"len=3"` // destination, customs 3-digit code
	POD            string  `xml:"POD" ceb:"min=3,max=4"`
	Freight        Decimal `xml:"freight" ceb:"req"`
	FCurrency      string  `xml:"fCurrency" ceb:"len=3"`
	FFlag          string  `xml:"fFlag" ceb:"enum=3"` // fixed 3 (total) since 2022-05
	InsuredFee     Decimal `xml:"insuredFee" ceb:"req"`
	ICurrency      string  `xml:"iCurrency" ceb:"len=3"`
	IFlag          string  `xml:"iFlag" ceb:"enum=3"`
	WrapType       string  `xml:"wrapType" ceb:"len=1"`
	PackNo         int     `xml:"packNo" ceb:"digits=9,pos"`
	GrossWeight    Decimal `xml:"grossWeight" ceb:"req"` // kg
	NetWeight      Decimal `xml:"netWeight" ceb:"req"`   // kg
	Note           string  `xml:"note,omitempty" ceb:"max=1000"`
}

// InventoryList is one goods line of an inventory list (出口清单表体).
type InventoryList struct {
	GNum         int     `xml:"gnum" ceb:"digits=5,pos"` // 1, 2, 3, ... in order
	ItemNo       string  `xml:"itemNo" ceb:"req,max=20"`
	ItemRecordNo string  `xml:"itemRecordNo,omitempty" ceb:"max=30"` // bonded item record, 1210 only
	ItemName     string  `xml:"itemName,omitempty" ceb:"max=250"`
	GCode        string  `xml:"gcode" ceb:"len=10,num"` // HS code, 10 digits
	GName        string  `xml:"gname" ceb:"req,max=250"`
	GModel       string  `xml:"gmodel" ceb:"req,max=250"`
	BarCode      string  `xml:"barCode" ceb:"req,max=50"` // "无" when there is none
	Country      string  `xml:"country" ceb:"len=3"`      // final destination country
	Currency     string  `xml:"currency" ceb:"len=3"`
	Qty          Decimal `xml:"qty" ceb:"req"`
	Qty1         Decimal `xml:"qty1" ceb:"req"` // legal quantity
	Qty2         Decimal `xml:"qty2,omitempty"`
	Unit         string  `xml:"unit" ceb:"len=3"`
	Unit1        string  `xml:"unit1" ceb:"len=3"`
	Unit2        string  `xml:"unit2,omitempty" ceb:"max=3"`
	Price        Decimal `xml:"price" ceb:"req"`
	TotalPrice   Decimal `xml:"totalPrice" ceb:"req"`
	Note         string  `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB605 cancel an inventory list (撤销申请单)

// CEB605Message asks to cancel declared inventory lists. Receipt: CEB606.
type CEB605Message struct {
	XMLName      xml.Name     `xml:"http://www.chinaport.gov.cn/ceb CEB605Message"`
	GUID         string       `xml:"guid,attr" ceb:"guid"`
	Version      string       `xml:"version,attr" ceb:"req,max=10"`
	InvtCancels  []InvtCancel `xml:"InvtCancel" ceb:"items=1..100"`
	BaseTransfer BaseTransfer `xml:"BaseTransfer"`
}

// InvtCancel is one cancellation request (撤销申请单).
type InvtCancel struct {
	GUID        string `xml:"guid" ceb:"guid"`
	AppType     string `xml:"appType" ceb:"enum=1|2|3"`
	AppTime     string `xml:"appTime" ceb:"time14"`
	AppStatus   string `xml:"appStatus" ceb:"enum=1|2"`
	CustomsCode string `xml:"customsCode" ceb:"len=4,num"`
	CopNo       string `xml:"copNo" ceb:"req,max=30"`
	PreNo       string `xml:"preNo,omitempty" ceb:"len=18"`
	InvtNo      string `xml:"invtNo" ceb:"req,max=20"`
	Reason      string `xml:"reason" ceb:"req,max=1000"`
	AgentCode   string `xml:"agentCode" ceb:"req,max=18"`
	AgentName   string `xml:"agentName" ceb:"req,max=100"`
	EbcCode     string `xml:"ebcCode" ceb:"req,max=18"`
	EbcName     string `xml:"ebcName" ceb:"req,max=100"`
	Note        string `xml:"note,omitempty" ceb:"max=1000"`
}

// ---------------------------------------------------------------------------------------------
// CEB701 summary application (汇总申请单)

// CEB701Message applies for the summary of cleared inventory lists into customs declarations.
// Receipt: CEB702; result: CEB792.
type CEB701Message struct {
	XMLName        xml.Name       `xml:"http://www.chinaport.gov.cn/ceb CEB701Message"`
	GUID           string         `xml:"guid,attr" ceb:"guid"`
	Version        string         `xml:"version,attr" ceb:"req,max=10"`
	SummaryApplies []SummaryApply `xml:"SummaryApply" ceb:"items=1..100"`
	BaseTransfer   BaseTransfer   `xml:"BaseTransfer"`
}

// SummaryApply is a summary application: a head and the inventory list numbers it covers
// (0..n lines since 2022-05; when the head gives startTime/endTime the lines are ignored).
type SummaryApply struct {
	Head  SummaryApplyHead   `xml:"SummaryApplyHead"`
	Lists []SummaryApplyList `xml:"SummaryApplyList"`
}

// SummaryApplyHead is the summary application head (汇总申请单表头).
type SummaryApplyHead struct {
	GUID          string `xml:"guid" ceb:"guid"`
	AppType       string `xml:"appType" ceb:"enum=1|2|3"`
	AppTime       string `xml:"appTime" ceb:"time14"`
	AppStatus     string `xml:"appStatus" ceb:"enum=1|2"`
	CustomsCode   string `xml:"customsCode" ceb:"len=4,num"`
	CopNo         string `xml:"copNo" ceb:"req,max=30"`
	PreNo         string `xml:"preNo,omitempty" ceb:"max=18"`
	SumNo         string `xml:"sumNo,omitempty" ceb:"max=18"`
	AgentCode     string `xml:"agentCode" ceb:"req,max=18"`
	AgentName     string `xml:"agentName" ceb:"req,max=100"`
	EbcCode       string `xml:"ebcCode" ceb:"req,max=18"`
	EbcName       string `xml:"ebcName" ceb:"req,max=100"`
	DeclAgentCode string `xml:"declAgentCode" ceb:"req,max=18"` // broker filing the resulting declaration
	DeclAgentName string `xml:"declAgentName" ceb:"req,max=100"`
	StartTime     string `xml:"startTime,omitempty" ceb:"time14"` // startTime and endTime go in pairs
	EndTime       string `xml:"endTime,omitempty" ceb:"time14"`
	LoctNo        string `xml:"loctNo,omitempty" ceb:"max=10"`
	SummaryFlag   string `xml:"summaryFlag" ceb:"enum=1|2"`  // 1 by seller, 2 by seller and producer
	ItemNameFlag  string `xml:"itemNameFlag" ceb:"len=1"`    // 1 = summarise by the firm's item name
	MsgCount      int    `xml:"msgCount" ceb:"digits=9,pos"` // 1 when the message is not split
	MsgSeqNo      int    `xml:"msgSeqNo" ceb:"digits=9,pos"`
	Note          string `xml:"note,omitempty" ceb:"max=1000"`
}

// SummaryApplyList names one inventory list to summarise.
type SummaryApplyList struct {
	InvtNo string `xml:"invtNo" ceb:"req,max=20"`
}

func (*CEB303Message) MessageType() string { return "CEB303" }
func (*CEB403Message) MessageType() string { return "CEB403" }
func (*CEB507Message) MessageType() string { return "CEB507" }
func (*CEB505Message) MessageType() string { return "CEB505" }
func (*CEB509Message) MessageType() string { return "CEB509" }
func (*CEB603Message) MessageType() string { return "CEB603" }
func (*CEB605Message) MessageType() string { return "CEB605" }
func (*CEB701Message) MessageType() string { return "CEB701" }

func (*CEB303Message) rootName() string { return "CEB303Message" }
func (*CEB403Message) rootName() string { return "CEB403Message" }
func (*CEB507Message) rootName() string { return "CEB507Message" }
func (*CEB505Message) rootName() string { return "CEB505Message" }
func (*CEB509Message) rootName() string { return "CEB509Message" }
func (*CEB603Message) rootName() string { return "CEB603Message" }
func (*CEB605Message) rootName() string { return "CEB605Message" }
func (*CEB701Message) rootName() string { return "CEB701Message" }
