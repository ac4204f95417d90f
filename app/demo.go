package app

import (
	"context"
	"fmt"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// DemoKey is a demo organisation and the API key to try the service with.
type DemoKey struct {
	OrgID string
	Kind  party.Kind
	Name  string
	Key   string
}

// demoOrgs are the firms a fresh embedded service starts with, so that the README's walk-through
// works at once. Their keys are fixed and public: demo data is for a laptop, never production.
var demoOrgs = []struct {
	id, key string
	kind    party.Kind
	fields  party.OrgFields
}{
	{"org_demo_exporter", "demo-exporter-silkroad-key", party.KindExporter, party.OrgFields{
		Name: "襄阳丝路跨境电商有限公司", NameEn: "Xiangyang Silk Road Cross-border E-commerce Co., Ltd.",
		USCC: "91420600MA4F2K7Q1L", CustomsCode: "4206360A21",
		Contact: &party.Contact{Name: "王丽", Phone: "+86 710 3256 001", Email: "ops@silkroad-xy.example"}}},
	{"org_demo_exporter_auto", "demo-exporter-autoparts-key", party.KindExporter, party.OrgFields{
		Name: "襄阳汽车零部件进出口有限公司", NameEn: "Xiangyang Auto Parts Import & Export Co., Ltd.",
		USCC: "91420606MA4B3C5D72", CustomsCode: "4206340017",
		Contact: &party.Contact{Name: "陈刚", Phone: "+86 710 3256 002"}}},
	{"org_demo_broker", "demo-broker-hitech-key", party.KindBroker, party.OrgFields{
		Name: "襄阳高新报关行有限公司", NameEn: "Xiangyang Hi-Tech Customs Brokerage Co., Ltd.",
		USCC: "91420600MA4K9X2R38", CustomsCode: "4206380015",
		Contact: &party.Contact{Name: "李敏", Email: "declare@xy-broker.example"}}},
	// The firms that file the 三单 beside the exporters: the carrier of the demo parcels (its
	// code is the logisticsCode of the README's parcels), a platform and a payment firm.
	{"org_demo_carrier", "demo-carrier-railway-key", party.KindCarrier, party.OrgFields{
		Name: "襄阳中欧班列国际物流有限公司", NameEn: "Xiangyang China-Europe Railway International Logistics Co., Ltd.",
		USCC: "91420600MA4CAR0X3R", CustomsCode: "4206980001",
		Contact: &party.Contact{Name: "赵强", Phone: "+86 710 3256 010"}}},
	{"org_demo_platform", "demo-platform-mall-key", party.KindPlatform, party.OrgFields{
		Name: "丝路优选跨境商城（襄阳）有限公司", NameEn: "Silk Road Select Cross-border Mall (Xiangyang) Co., Ltd.",
		USCC: "91420600MA4PLT0X2P", CustomsCode: "420636E018",
		Contact: &party.Contact{Name: "孙悦", Email: "orders@silkroad-select.example"}}},
	{"org_demo_payment", "demo-payment-hanjiang-key", party.KindPayment, party.OrgFields{
		Name: "汉江跨境支付有限公司", NameEn: "Hanjiang Cross-border Payment Co., Ltd.",
		USCC: "91420600MA4PAY0X27", CustomsCode: "4206960P01",
		Contact: &party.Contact{Name: "周宁", Email: "settlement@hanjiang-pay.example"}}},
}

// SeedDemo registers the demo firms, their keys, an active authorisation of the broker by the
// first exporter, and last month's history (seedDemoHistory). It is idempotent: what exists is
// left alone.
func SeedDemo(ctx context.Context, p *Parties, r *Rail, c *Customs) ([]DemoKey, error) {
	now := p.clock.Now()
	var keys []DemoKey
	for _, d := range demoOrgs {
		org, err := party.NewOrg(d.id, d.kind, d.fields, now)
		if err != nil {
			return nil, fmt.Errorf("demo org %s: %w", d.id, err)
		}
		if err := p.orgs.Create(ctx, org); err != nil && domain.KindOf(err) != domain.KindConflict {
			return nil, err
		}
		if err := ignoreConflict(p.keys.Create(ctx, party.APIKeyFromValue(d.id, "demo key", d.key, now), 0)); err != nil {
			return nil, err
		}
		keys = append(keys, DemoKey{OrgID: d.id, Kind: d.kind, Name: d.fields.Name, Key: d.key})
	}
	if err := seedDemoTimetable(ctx, r); err != nil {
		return nil, err
	}
	if _, err := p.orgs.Update(ctx, "org_demo_exporter_auto", func(o *party.Org) error {
		if o.AutoConfirmAuthorizations() {
			return nil
		}
		on := true
		return o.Patch(party.OrgPatch{AutoConfirmAuthorizations: &on}, now)
	}); err != nil {
		return nil, err
	}
	if err := seedDemoAuthorization(ctx, p, now); err != nil {
		return nil, err
	}
	if c != nil {
		if err := seedDemoHistory(ctx, c, now); err != nil {
			return nil, fmt.Errorf("demo history: %w", err)
		}
	}
	return keys, nil
}

// seedDemoAuthorization lets the demo broker file for the first demo exporter.
func seedDemoAuthorization(ctx context.Context, p *Parties, now time.Time) error {
	existing, err := p.auths.Between(ctx, "org_demo_exporter", "org_demo_broker")
	if err != nil || len(existing) > 0 {
		return err
	}
	exporter, err := p.orgs.Get(ctx, "org_demo_exporter")
	if err != nil {
		return err
	}
	broker, err := p.orgs.Get(ctx, "org_demo_broker")
	if err != nil {
		return err
	}
	auth, err := party.NewAuthorization("auth_demo", party.AuthorizationRequest{
		ExporterID: exporter.ID(), BrokerID: broker.ID(), TradeModes: party.TradeModes,
		ValidFrom: now.Truncate(24 * time.Hour), ValidTo: now.Truncate(24*time.Hour).AddDate(1, 0, 0),
	}, exporter, exporter, broker, now)
	if err != nil {
		return err
	}
	return ignoreConflict(p.auths.Create(ctx, auth))
}

// demoTimetableWeeks is how far ahead a demo service plans every line's trains.
const demoTimetableWeeks = 4

// seedDemoTimetable plans every line's weekly trains for the coming weeks, so that bookings can
// be tried at once. Planning is idempotent, so every start extends the timetable.
func seedDemoTimetable(ctx context.Context, r *Rail) error {
	lines, err := r.lines.List(ctx)
	if err != nil {
		return err
	}
	operator := Actor{OrgID: OperatorOrgID, Kind: party.KindOperator}
	for _, l := range lines {
		if _, err := r.PlanTimetable(ctx, operator, l.Code, demoTimetableWeeks); err != nil {
			return fmt.Errorf("demo timetable of %s: %w", l.Code, err)
		}
	}
	return nil
}
