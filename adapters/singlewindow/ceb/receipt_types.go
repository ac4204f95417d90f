package ceb

import "encoding/xml"

// Receipt messages. Every return block ends with returnStatus, returnTime and returnInfo, in that
// order; ReturnResult holds them and is embedded last in each block so that the schema order is
// kept. The receipt builders below are what the simulated customs authority emits; ParseReceipts
// reads them (and the real ones).

// ReturnStatus values (回执状态) [C]. Negative values are processing errors.
const (
	StatusStaged     = "1"   // 电子口岸已暂存
	StatusDeclaring  = "2"   // 电子口岸申报中
	StatusSent       = "3"   // 发送海关成功
	StatusSendFailed = "4"   // 发送海关失败
	StatusRejected   = "100" // 海关退单
	StatusAccepted   = "120" // 海关入库
	StatusManual     = "300" // 人工审核
	StatusReviewed   = "399" // 海关审结
	StatusInspection = "500" // 查验
	StatusReleased   = "800" // 放行
	StatusCleared    = "899" // 结关
)

// ReturnResult is the outcome part of a return block.
type ReturnResult struct {
	ReturnStatus string `xml:"returnStatus" ceb:"req,max=10"`
	ReturnTime   string `xml:"returnTime" ceb:"time17"` // YYYYMMDDhhmmssfff, see FormatReturnTime
	ReturnInfo   string `xml:"returnInfo" ceb:"max=1000"`
}

// CEB304Message answers CEB303 orders.
type CEB304Message struct {
	XMLName      xml.Name      `xml:"http://www.chinaport.gov.cn/ceb CEB304Message"`
	GUID         string        `xml:"guid,attr" ceb:"len=36"`
	Version      string        `xml:"version,attr" ceb:"req,max=10"`
	OrderReturns []OrderReturn `xml:"OrderReturn" ceb:"items=1..100"`
}

// OrderReturn is the return block of an order.
type OrderReturn struct {
	GUID    string `xml:"guid" ceb:"len=36"`
	EbpCode string `xml:"ebpCode" ceb:"max=18"`
	EbcCode string `xml:"ebcCode" ceb:"max=18"`
	OrderNo string `xml:"orderNo" ceb:"max=60"`
	ReturnResult
}

// CEB404Message answers CEB403 payment receipts (not built by this service; parsed for completeness).
type CEB404Message struct {
	XMLName         xml.Name         `xml:"http://www.chinaport.gov.cn/ceb CEB404Message"`
	GUID            string           `xml:"guid,attr" ceb:"len=36"`
	Version         string           `xml:"version,attr" ceb:"req,max=10"`
	ReceiptsReturns []ReceiptsReturn `xml:"ReceiptsReturn" ceb:"items=1..100"`
}

// ReceiptsReturn is the return block of a payment receipt.
type ReceiptsReturn struct {
	GUID    string `xml:"guid" ceb:"len=36"`
	EbcCode string `xml:"ebcCode" ceb:"max=18"`
	OrderNo string `xml:"orderNo" ceb:"max=60"`
	PayNo   string `xml:"payNo,omitempty" ceb:"max=60"`
	ReturnResult
}

// CEB506Message answers CEB505 waybills.
type CEB506Message struct {
	XMLName          xml.Name          `xml:"http://www.chinaport.gov.cn/ceb CEB506Message"`
	GUID             string            `xml:"guid,attr" ceb:"len=36"`
	Version          string            `xml:"version,attr" ceb:"req,max=10"`
	LogisticsReturns []LogisticsReturn `xml:"LogisticsReturn" ceb:"items=1..100"`
}

// LogisticsReturn is the return block of a waybill.
type LogisticsReturn struct {
	GUID          string `xml:"guid" ceb:"len=36"`
	LogisticsCode string `xml:"logisticsCode" ceb:"max=18"`
	LogisticsNo   string `xml:"logisticsNo" ceb:"max=32"`
	ReturnResult
}

// CEB508Message answers CEB507 arrivals (运抵单; parsed for completeness).
type CEB508Message struct {
	XMLName        xml.Name        `xml:"http://www.chinaport.gov.cn/ceb CEB508Message"`
	GUID           string          `xml:"guid,attr" ceb:"len=36"`
	Version        string          `xml:"version,attr" ceb:"req,max=10"`
	ArrivalReturns []ArrivalReturn `xml:"ArrivalReturn" ceb:"items=1..100"`
}

// ArrivalReturn is the return block of an arrival.
type ArrivalReturn struct {
	GUID          string `xml:"guid" ceb:"len=36"`
	OperatorCode  string `xml:"operatorCode" ceb:"max=18"`
	LogisticsCode string `xml:"logisticsCode" ceb:"max=18"`
	PreNo         string `xml:"preNo" ceb:"len=18,opt"` // empty when E-Port never numbered the filing
	CopNo         string `xml:"copNo" ceb:"max=30"`
	BillNo        string `xml:"billNo" ceb:"max=37"`
	MsgSeqNo      int    `xml:"msgSeqNo" ceb:"digits=9"`
	ReturnResult
}

// CEB510Message answers CEB509 departures.
type CEB510Message struct {
	XMLName          xml.Name          `xml:"http://www.chinaport.gov.cn/ceb CEB510Message"`
	GUID             string            `xml:"guid,attr" ceb:"len=36"`
	Version          string            `xml:"version,attr" ceb:"req,max=10"`
	DepartureReturns []DepartureReturn `xml:"DepartureReturn" ceb:"items=1..100"`
}

// DepartureReturn is the return block of a departure.
type DepartureReturn struct {
	GUID          string `xml:"guid" ceb:"len=36"`
	LogisticsCode string `xml:"logisticsCode" ceb:"max=18"`
	CopNo         string `xml:"copNo" ceb:"max=30"`
	PreNo         string `xml:"preNo" ceb:"len=18,opt"` // empty when E-Port never numbered the filing
	MsgSeqNo      int    `xml:"msgSeqNo" ceb:"digits=9"`
	ReturnResult
}

// CEB604Message answers CEB603 inventory lists.
type CEB604Message struct {
	XMLName          xml.Name          `xml:"http://www.chinaport.gov.cn/ceb CEB604Message"`
	GUID             string            `xml:"guid,attr" ceb:"len=36"`
	Version          string            `xml:"version,attr" ceb:"req,max=10"`
	InventoryReturns []InventoryReturn `xml:"InventoryReturn" ceb:"items=1..100"`
}

// InventoryReturn is the return block of an inventory list. Note the schema order: ebcCode
// comes before ebpCode here, unlike in the head.
type InventoryReturn struct {
	GUID           string `xml:"guid" ceb:"len=36"`
	AgentCode      string `xml:"agentCode" ceb:"max=18"`
	CopNo          string `xml:"copNo" ceb:"max=30"`
	PreNo          string `xml:"preNo" ceb:"len=18,opt"` // empty when E-Port never numbered the filing
	InvtNo         string `xml:"invtNo" ceb:"max=20"`
	EbcCode        string `xml:"ebcCode" ceb:"max=18"`
	EbpCode        string `xml:"ebpCode" ceb:"max=18"`
	OrderNo        string `xml:"orderNo" ceb:"max=60"`
	StatisticsFlag string `xml:"statisticsFlag" ceb:"len=1,opt"`
	ReturnResult
}

// CEB606Message answers CEB605 cancellations.
type CEB606Message struct {
	XMLName           xml.Name           `xml:"http://www.chinaport.gov.cn/ceb CEB606Message"`
	GUID              string             `xml:"guid,attr" ceb:"len=36"`
	Version           string             `xml:"version,attr" ceb:"req,max=10"`
	InvtCancelReturns []InvtCancelReturn `xml:"InvtCancelReturn" ceb:"items=1..100"`
}

// InvtCancelReturn is the return block of a cancellation.
type InvtCancelReturn struct {
	GUID      string `xml:"guid" ceb:"len=36"`
	AgentCode string `xml:"agentCode" ceb:"max=18"`
	CopNo     string `xml:"copNo" ceb:"max=30"`
	PreNo     string `xml:"preNo" ceb:"len=18,opt"` // empty when E-Port never numbered the filing
	InvtNo    string `xml:"invtNo" ceb:"max=20"`
	ReturnResult
}

// CEB608Message answers CEB607 master/sub bills (清单总分单; parsed for completeness).
type CEB608Message struct {
	XMLName        xml.Name        `xml:"http://www.chinaport.gov.cn/ceb CEB608Message"`
	GUID           string          `xml:"guid,attr" ceb:"len=36"`
	Version        string          `xml:"version,attr" ceb:"req,max=10"`
	WayBillReturns []WayBillReturn `xml:"WayBillReturn" ceb:"items=1..100"`
}

// WayBillReturn is the return block of a master/sub bill.
type WayBillReturn struct {
	GUID          string `xml:"guid" ceb:"len=36"`
	AgentCode     string `xml:"agentCode" ceb:"max=18"`
	LogisticsCode string `xml:"logisticsCode" ceb:"max=18"`
	CopNo         string `xml:"copNo" ceb:"max=30"`
	PreNo         string `xml:"preNo" ceb:"len=18,opt"` // empty when E-Port never numbered the filing
	BillNo        string `xml:"billNo" ceb:"max=37"`
	MsgSeqNo      int    `xml:"msgSeqNo" ceb:"digits=9"`
	ReturnResult
}

// CEB702Message answers CEB701 summary applications.
type CEB702Message struct {
	XMLName        xml.Name        `xml:"http://www.chinaport.gov.cn/ceb CEB702Message"`
	GUID           string          `xml:"guid,attr" ceb:"len=36"`
	Version        string          `xml:"version,attr" ceb:"req,max=10"`
	SummaryReturns []SummaryReturn `xml:"SummaryReturn" ceb:"items=1..100"`
}

// SummaryReturn is the return block of a summary application.
type SummaryReturn struct {
	GUID      string `xml:"guid" ceb:"len=36"`
	AgentCode string `xml:"agentCode" ceb:"max=18"`
	EbcCode   string `xml:"ebcCode" ceb:"max=18"`
	CopNo     string `xml:"copNo" ceb:"max=30"`
	PreNo     string `xml:"preNo" ceb:"len=18,opt"` // empty when E-Port never numbered the filing
	SumNo     string `xml:"sumNo,omitempty" ceb:"len=18"`
	MsgSeqNo  int    `xml:"msgSeqNo" ceb:"digits=9"`
	ReturnResult
}

// CEB792Message carries summary results: the customs declaration generated from a summary
// application (汇总结果单). It has no returnStatus: the outcome is decState, the time opDate.
type CEB792Message struct {
	XMLName        xml.Name        `xml:"http://www.chinaport.gov.cn/ceb CEB792Message"`
	GUID           string          `xml:"guid,attr" ceb:"len=36"`
	Version        string          `xml:"version,attr" ceb:"req,max=10"`
	SummaryResults []SummaryResult `xml:"SummaryResult" ceb:"items=1..100"`
}

// SummaryResult is a summary result head and its lines (0..n).
type SummaryResult struct {
	Head  SummaryResultHead   `xml:"SummaryResultHead"`
	Lists []SummaryResultList `xml:"SummaryResultList"`
}

// SummaryResultHead is the summary result head (汇总结果单表头).
type SummaryResultHead struct {
	GUID          string  `xml:"guid" ceb:"len=36"`
	CustomsCode   string  `xml:"customsCode" ceb:"len=4"`
	SumNo         string  `xml:"sumNo" ceb:"len=18"`
	OpDate        string  `xml:"opDate" ceb:"time17"` // YYYYMMDDhhmmssfff
	DeclSeqNo     string  `xml:"declSeqNo" ceb:"len=18"`
	DecTmpNo      string  `xml:"decTmpNo,omitempty" ceb:"len=18"`
	DecPreNo      string  `xml:"decPreNo,omitempty" ceb:"len=18"`
	EntryID       string  `xml:"entryId,omitempty" ceb:"len=18"` // customs declaration number (海关编号)
	DecState      string  `xml:"decState" ceb:"req,max=3"`
	AgentCode     string  `xml:"agentCode" ceb:"max=18"`
	AgentName     string  `xml:"agentName" ceb:"max=100"`
	EbcCode       string  `xml:"ebcCode" ceb:"max=18"`
	EbcName       string  `xml:"ebcName" ceb:"max=100"`
	DeclAgentCode string  `xml:"declAgentCode" ceb:"max=18"`
	DeclAgentName string  `xml:"declAgentName" ceb:"max=100"`
	GrossWeight   Decimal `xml:"grossWeight" ceb:"req"`
	NetWeight     Decimal `xml:"netWeight" ceb:"req"`
	MsgCount      int     `xml:"msgCount" ceb:"digits=9"`
	MsgSeqNo      int     `xml:"msgSeqNo" ceb:"digits=9"`
	Note          string  `xml:"note,omitempty" ceb:"max=1000"`
}

// SummaryResultList is one goods line of one inventory list in a summary result. GSeqNo is new
// in 2022-05; it reads as 0 from 2018 messages, which lack it.
type SummaryResultList struct {
	InvtNo      string `xml:"invtNo" ceb:"max=20"`
	LogisticsNo string `xml:"logisticsNo" ceb:"max=32"`
	GSeqNo      int    `xml:"gseqno" ceb:"digits=5"`
	GNum        int    `xml:"gnum" ceb:"digits=5"`
	GCode       string `xml:"gcode" ceb:"len=10"`
}

// CEB900Message is the format / schema error receipt (报文格式校验错误回执). It is NOT defined by the
// official schemas in testdata/official: the layout (MessageReturn with guid, returnStatus,
// returnTime, returnInfo and the optional oriCopMsgId, oriMessageType, oriBizMessage) is modelled
// from public implementations and is not schema-checked [U].
type CEB900Message struct {
	XMLName        xml.Name        `xml:"http://www.chinaport.gov.cn/ceb CEB900Message"`
	GUID           string          `xml:"guid,attr" ceb:"len=36"`
	Version        string          `xml:"version,attr" ceb:"req,max=10"`
	MessageReturns []MessageReturn `xml:"MessageReturn" ceb:"items=1..100"`
}

// MessageReturn is the return block of a format error: GUID is the guid of the rejected message.
type MessageReturn struct {
	GUID string `xml:"guid" ceb:"len=36"`
	ReturnResult
	OriCopMsgID    string `xml:"oriCopMsgId,omitempty" ceb:"max=100"`
	OriMessageType string `xml:"oriMessageType,omitempty" ceb:"max=30"` // e.g. "CEB603Message"
	OriBizMessage  string `xml:"oriBizMessage,omitempty"`               // the rejected message, as text
}

func (*CEB304Message) MessageType() string { return "CEB304" }
func (*CEB404Message) MessageType() string { return "CEB404" }
func (*CEB506Message) MessageType() string { return "CEB506" }
func (*CEB508Message) MessageType() string { return "CEB508" }
func (*CEB510Message) MessageType() string { return "CEB510" }
func (*CEB604Message) MessageType() string { return "CEB604" }
func (*CEB606Message) MessageType() string { return "CEB606" }
func (*CEB608Message) MessageType() string { return "CEB608" }
func (*CEB702Message) MessageType() string { return "CEB702" }
func (*CEB792Message) MessageType() string { return "CEB792" }
func (*CEB900Message) MessageType() string { return "CEB900" }

func (*CEB304Message) rootName() string { return "CEB304Message" }
func (*CEB404Message) rootName() string { return "CEB404Message" }
func (*CEB506Message) rootName() string { return "CEB506Message" }
func (*CEB508Message) rootName() string { return "CEB508Message" }
func (*CEB510Message) rootName() string { return "CEB510Message" }
func (*CEB604Message) rootName() string { return "CEB604Message" }
func (*CEB606Message) rootName() string { return "CEB606Message" }
func (*CEB608Message) rootName() string { return "CEB608Message" }
func (*CEB702Message) rootName() string { return "CEB702Message" }
func (*CEB792Message) rootName() string { return "CEB792Message" }
func (*CEB900Message) rootName() string { return "CEB900Message" }
