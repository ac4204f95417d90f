package customs

import (
	"slices"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

// The three documents (三单) customs matches every 9610 / 1210 export list against
// (docs/customs.md §3.4): the platform's order, the payment receipt and the carrier's waybill.
const (
	KindOrder   Kind = "order"   // 电子订单 CEB303, by the platform (or the seller selling on its own shop)
	KindPayment Kind = "payment" // 收款单 CEB403, by the payment firm (or the seller that collected the money)
	KindWaybill Kind = "waybill" // 物流运单 CEB505, by the carrier
)

// DocumentKinds are the three documents, in the order they are filed.
var DocumentKinds = []Kind{KindOrder, KindPayment, KindWaybill}

// IsDocument reports whether k is one of the three documents.
func (k Kind) IsDocument() bool { return slices.Contains(DocumentKinds, k) }

// Receipt messages of the three documents.
const (
	MessageOrderReceipt   = "CEB304" // answers CEB303; 120 is its last answer
	MessagePaymentReceipt = "CEB404" // answers CEB403; 120 is its last answer
	MessageWaybillReceipt = "CEB506" // answers CEB505; 399 (审结) is its last answer
)

// Document is the content of one of a parcel's three documents: the parcel as it is when the
// document is filed, and the registered parties the document names. Which parties matter
// depends on the kind: the platform and seller (order), and the payment firm (payment; the
// seller when the parcel names none), the carrier (waybill).
type Document struct {
	ParcelID string        `json:"parcelId"`
	Parcel   parcel.Fields `json:"parcel"`
	Parties  FilingParties `json:"parties"`
}

// DocumentInput is what the app passes to file one document of a parcel.
type DocumentInput struct {
	FilerID    string
	ExporterID string
	ParcelID   string
	Parcel     parcel.Fields
	Parties    FilingParties // names from the registry, never a code in place of a name
}

// NewDocument makes a draft order, payment receipt or waybill of a parcel. The parties the kind
// names must be given with their registered names (Invalid, naming the field, otherwise).
func NewDocument(id string, kind Kind, in DocumentInput, at time.Time, actor string) (*Declaration, error) {
	if !kind.IsDocument() {
		return nil, domain.Internal(nil, "%s is not one of the three documents", kind)
	}
	p, pt := in.Parcel, in.Parties
	var v domain.Violations
	need := func(field, val string) {
		if strings.TrimSpace(val) == "" {
			v.Add(field, "required", field+" is required for the "+string(kind))
		}
	}
	need("parcelId", in.ParcelID)
	need("orderNo", p.OrderNo)
	need("parties.ebpCode", pt.EbpCode)
	need("parties.ebpName", pt.EbpName)
	need("parties.ebcCode", pt.EbcCode)
	need("parties.ebcName", pt.EbcName)
	switch kind {
	case KindPayment:
		need("parties.payName", pt.PayName)
	case KindWaybill:
		need("logisticsCode", p.LogisticsCode)
		need("logisticsNo", p.LogisticsNo)
		need("parties.logisticsName", pt.LogisticsName)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d, err := newDeclaration(id, kind, p.TradeMode, in.FilerID, in.ExporterID, at)
	if err != nil {
		return nil, err
	}
	d.document = &Document{ParcelID: strings.TrimSpace(in.ParcelID), Parcel: p, Parties: pt}
	d.addEvent(at, actor, EventCreated, string(kind)+" drafted for parcel "+d.document.ParcelID, nil)
	return d, nil
}

// Document is an order's, payment receipt's or waybill's content (a copy); false for the other
// kinds.
func (d *Declaration) Document() (Document, bool) {
	if d.document == nil {
		return Document{}, false
	}
	return d.document.clone(), true
}

// DocumentMatched reports whether customs has a document on file: accepted (120) or further
// along, and not refused. Customs matches lists only against documents it has.
func (d *Declaration) DocumentMatched() bool {
	return d.kind.IsDocument() && d.status.Rank() >= StatusAccepted.Rank() &&
		d.status != StatusRejected && d.status != StatusCancelled
}

// PaymentCharge is what the buyer paid for a parcel's order, the amount its payment receipt
// (CEB403 charge) declares and customs compares with the order and the list: the goods value
// plus freight.
func PaymentCharge(p parcel.Fields) code.Decimal { return p.GoodsValue().Add(p.Freight) }

func (doc *Document) clone() Document {
	c := *doc
	c.Parcel.Items = slices.Clone(doc.Parcel.Items)
	return c
}

func cloneDocument(doc *Document) *Document {
	if doc == nil {
		return nil
	}
	c := doc.clone()
	return &c
}
