package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// The policy admits each kind of organisation by name: a kind it does not name may neither
// register parcels nor file anything, and sees no exporter's records. Carriers, platforms and
// payment firms file their own documents (三单) only: no parcels, no inventory lists, and no
// exporter's records.
func TestAKindThePolicyDoesNotNameIsRefused(t *testing.T) {
	ctx := context.Background()
	for _, kind := range []party.Kind{"carrier", "platform", "payment", "customs", ""} {
		stranger := app.Actor{OrgID: "org_stranger", Kind: kind}
		if err := app.MayRegisterParcels(stranger); domain.KindOf(err) != domain.KindForbidden {
			t.Errorf("%q registers parcels: %v", kind, err)
		}
		c := app.NewCustoms(app.CustomsPorts{})
		if !kind.Registrable() {
			if _, err := c.SubmitDeclarations(ctx, stranger, []string{"inv_1"}); domain.KindOf(err) != domain.KindForbidden {
				t.Errorf("%q submits declarations: %v", kind, err)
			}
			if _, err := c.CreateDocuments(ctx, stranger, []string{"pcl_1"}, nil); domain.KindOf(err) != domain.KindForbidden {
				t.Errorf("%q drafts documents: %v", kind, err)
			}
		}
		if _, err := c.CreateInventoryDeclarations(ctx, stranger, []string{"pcl_1"}, ""); domain.KindOf(err) != domain.KindForbidden {
			t.Errorf("%q drafts inventory lists: %v", kind, err)
		}
		if v := party.VisibilityOf(kind, stranger.OrgID, nil, time.Now()); v.All() || len(v.Exporters()) != 0 {
			t.Errorf("%q sees exporters: %v", kind, v.Exporters())
		}
	}
	for _, kind := range []party.Kind{party.KindExporter, party.KindOperator} {
		if err := app.MayRegisterParcels(app.Actor{OrgID: "org_1", Kind: kind}); err != nil {
			t.Errorf("%s may not register parcels: %v", kind, err)
		}
	}
}
