package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/party"
)

// A broker that many exporters authorise sees every one of them: its agreements are read page
// by page, not cut at one page (the list limit is 500).
func TestBrokerVisibilityHasNoCap(t *testing.T) {
	ctx := context.Background()
	store := mongotest.New(t)
	auths := mongo.NewAuthorizations(store)
	clock := &stillClock{now: time.Now().UTC().Truncate(time.Millisecond)}
	broker, err := party.NewOrg("org_broker", party.KindBroker, party.OrgFields{Name: "报关行", USCC: "91420600MA4K9X2R38", CustomsCode: "4206380015"}, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	const exporters = app.MaxLimit + 20
	for i := range exporters {
		exporter, err := party.NewOrg(fmt.Sprintf("org_exp_%04d", i), party.KindExporter,
			party.OrgFields{Name: "出口商", USCC: "91420600MA4F2K7Q1L", CustomsCode: "4206360A21"}, clock.now)
		if err != nil {
			t.Fatal(err)
		}
		a, err := party.NewAuthorization(fmt.Sprintf("auth_%04d", i), party.AuthorizationRequest{
			ExporterID: exporter.ID(), BrokerID: broker.ID(), TradeModes: []string{"9610"},
			ValidFrom: clock.now.Add(-time.Hour), ValidTo: clock.now.AddDate(0, 1, 0)}, exporter, exporter, broker, clock.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := auths.Create(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	v, err := app.NewTenancy(auths, clock).Visibility(ctx, app.Actor{OrgID: broker.ID(), Kind: party.KindBroker})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(v.Exporters()); got != exporters {
		t.Errorf("the broker sees %d exporters, want %d", got, exporters)
	}
	if !v.Covers("org_exp_0000") || !v.Covers(fmt.Sprintf("org_exp_%04d", exporters-1)) {
		t.Error("the first and the last exporter must both be visible")
	}
}
