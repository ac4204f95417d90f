package mongo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// versionedRepo is one repository's read-change-write cycle, seen the same way for every
// aggregate: create one, update it with a change (calling hook first), read its version.
type versionedRepo struct {
	name       string
	collection string
	create     func(t *testing.T, s *mongo.Store) string
	update     func(ctx context.Context, s *mongo.Store, id string, hook func()) error
	version    func(ctx context.Context, s *mongo.Store, id string) (int64, error)
}

var testNow = time.Now().UTC().Truncate(time.Millisecond)

// testInventory is a draft inventory list of parcel parcelID, filed by org_broker.
func testInventory(t *testing.T, id, parcelID string) *customs.Declaration {
	t.Helper()
	f, err := parcel.Validate(parcelDraft())
	if err != nil {
		t.Fatal(err)
	}
	d, err := customs.NewInventory(id, customs.InventoryInput{
		FilerID: "org_broker", ExporterID: "org_exporter", ParcelID: parcelID, Parcel: f,
		Parties: customs.FilingParties{AgentCode: "4206980001", AgentName: "襄阳报关行有限公司",
			EbcCode: "4206930001", EbcName: "襄阳外贸有限公司", LogisticsName: "襄阳国际物流有限公司"},
		CustomsCode: "4700", PortCode: "4701",
	}, testNow, "org_broker")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func versionedRepos() []versionedRepo {
	return []versionedRepo{
		{
			name: "lines", collection: "rail_lines",
			create: func(t *testing.T, s *mongo.Store) string {
				l, err := rail.ValidateLine(rail.SeedLines()[0])
				if err != nil {
					t.Fatal(err)
				}
				if err := mongo.NewLines(s).Create(context.Background(), l); err != nil {
					t.Fatal(err)
				}
				return l.Code
			},
			update: func(ctx context.Context, s *mongo.Store, id string, hook func()) error {
				_, err := mongo.NewLines(s).Update(ctx, id, func(l *rail.Line) error { hook(); l.Note += "."; return nil })
				return err
			},
			version: func(ctx context.Context, s *mongo.Store, id string) (int64, error) {
				l, err := mongo.NewLines(s).Get(ctx, id)
				return l.Version, err
			},
		},
		{
			name: "departures", collection: "departures",
			create: func(t *testing.T, s *mongo.Store) string { return newDeparture(t, mongo.NewDepartures(s), 110).ID() },
			update: func(ctx context.Context, s *mongo.Store, id string, hook func()) error {
				_, err := mongo.NewDepartures(s).Update(ctx, id, func(*rail.Departure) error { hook(); return nil })
				return err
			},
			version: func(ctx context.Context, s *mongo.Store, id string) (int64, error) {
				d, err := mongo.NewDepartures(s).Get(ctx, id)
				if err != nil {
					return 0, err
				}
				return d.Version(), nil
			},
		},
		{
			name: "bookings", collection: "bookings",
			create: func(t *testing.T, s *mongo.Store) string {
				b, err := rail.NewBooking("bkg_1", rail.BookingRequest{DepartureID: "dep_XXO_20261211", BookedBy: "org_a",
					ExporterID: "org_a", Containers: []rail.ContainerRequest{{Type: rail.Type40HQ, Count: 1}}, GrossKg: 9000,
					CargoDescription: "parts"}, testNow, "org_a")
				if err != nil {
					t.Fatal(err)
				}
				if err := mongo.NewBookings(s).Create(context.Background(), b); err != nil {
					t.Fatal(err)
				}
				return b.ID()
			},
			update: func(ctx context.Context, s *mongo.Store, id string, hook func()) error {
				_, err := mongo.NewBookings(s).Update(ctx, id, func(*rail.Booking) error { hook(); return nil })
				return err
			},
			version: func(ctx context.Context, s *mongo.Store, id string) (int64, error) {
				b, err := mongo.NewBookings(s).Get(ctx, id)
				if err != nil {
					return 0, err
				}
				return b.Version(), nil
			},
		},
		{
			name: "orgs", collection: "orgs",
			create: func(t *testing.T, s *mongo.Store) string {
				if err := mongo.NewOrgs(s).Create(context.Background(), exporterOrg(t)); err != nil {
					t.Fatal(err)
				}
				return "org_exporter"
			},
			update: func(ctx context.Context, s *mongo.Store, id string, hook func()) error {
				_, err := mongo.NewOrgs(s).Update(ctx, id, func(*party.Org) error { hook(); return nil })
				return err
			},
			version: func(ctx context.Context, s *mongo.Store, id string) (int64, error) {
				o, err := mongo.NewOrgs(s).Get(ctx, id)
				if err != nil {
					return 0, err
				}
				return o.Version(), nil
			},
		},
		{
			name: "authorizations", collection: "authorizations",
			create: func(t *testing.T, s *mongo.Store) string {
				exporter := exporterOrg(t)
				broker, err := party.NewOrg("org_broker", party.KindBroker, party.OrgFields{Name: "襄阳报关行有限公司",
					USCC: "914403001922038216", CustomsCode: "4206980001"}, testNow)
				if err != nil {
					t.Fatal(err)
				}
				a, err := party.NewAuthorization("auth_1", party.AuthorizationRequest{ExporterID: exporter.ID(), BrokerID: broker.ID(),
					TradeModes: []string{"9610"}, ValidFrom: testNow, ValidTo: testNow.AddDate(1, 0, 0)}, exporter, exporter, broker, testNow)
				if err != nil {
					t.Fatal(err)
				}
				if err := mongo.NewAuthorizations(s).Create(context.Background(), a); err != nil {
					t.Fatal(err)
				}
				return a.ID()
			},
			update: func(ctx context.Context, s *mongo.Store, id string, hook func()) error {
				_, err := mongo.NewAuthorizations(s).Update(ctx, id, func(*party.Authorization) error { hook(); return nil })
				return err
			},
			version: func(ctx context.Context, s *mongo.Store, id string) (int64, error) {
				a, err := mongo.NewAuthorizations(s).Get(ctx, id)
				if err != nil {
					return 0, err
				}
				return a.Version(), nil
			},
		},
		{
			name: "parcels", collection: "parcels",
			create: func(t *testing.T, s *mongo.Store) string {
				p, err := parcel.New("pcl_1", parcelDraft(), testNow, "org_exporter")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := mongo.NewParcels(s).Insert(context.Background(), []*parcel.Parcel{p}); err != nil {
					t.Fatal(err)
				}
				return p.ID()
			},
			update: func(ctx context.Context, s *mongo.Store, id string, hook func()) error {
				_, err := mongo.NewParcels(s).Update(ctx, id, func(*parcel.Parcel) error { hook(); return nil })
				return err
			},
			version: func(ctx context.Context, s *mongo.Store, id string) (int64, error) {
				p, err := mongo.NewParcels(s).Get(ctx, id)
				if err != nil {
					return 0, err
				}
				return p.Version(), nil
			},
		},
		{
			name: "declarations", collection: "declarations",
			create: func(t *testing.T, s *mongo.Store) string {
				d := testInventory(t, "dec_1", "pcl_1")
				if err := mongo.NewDeclarations(s).Create(context.Background(), d); err != nil {
					t.Fatal(err)
				}
				return d.ID()
			},
			update: func(ctx context.Context, s *mongo.Store, id string, hook func()) error {
				_, err := mongo.NewDeclarations(s).Update(ctx, id, func(*customs.Declaration) error { hook(); return nil })
				return err
			},
			version: func(ctx context.Context, s *mongo.Store, id string) (int64, error) {
				d, err := mongo.NewDeclarations(s).Get(ctx, id)
				if err != nil {
					return 0, err
				}
				return d.Version(), nil
			},
		},
	}
}

func exporterOrg(t *testing.T) *party.Org {
	t.Helper()
	o, err := party.NewOrg("org_exporter", party.KindExporter, party.OrgFields{Name: "襄阳外贸有限公司",
		USCC: "914403001922038216", CustomsCode: "4206930001"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func parcelDraft() parcel.Draft {
	price := code.MustDecimal("19.99")
	return parcel.Draft{
		TradeMode: "9610", ExporterID: "org_exporter", OrderNo: "ORDER-2026-0001",
		EbpCode: "3301961Q43", EbpName: "襄阳跨境电商平台有限公司",
		LogisticsCode: "4206930009", LogisticsNo: "XY2026110300001",
		Consignee: parcel.Consignee{Name: "Anna Kowalska", Country: "PL", City: "Warszawa",
			Address: "ul. Marszałkowska 1", Phone: "+48 22 123 45 67"},
		DestinationCountry: "PL", Currency: "EUR",
		Items: []parcel.DraftItem{{
			ItemNo: "TS-001", Gcode: "6109100022", Gname: "棉制针织T恤衫", Gmodel: "针织|棉100%|无品牌",
			Qty: code.MustDecimal("3"), Unit: "011", Price: &price, OriginCountry: "CN",
		}},
		GrossWeightKg: code.MustDecimal("1.25"), NetWeightKg: code.MustDecimal("1"), Freight: code.MustDecimal("12.5"),
	}
}

// Every repository's versioned update, in both write modes: concurrent updates of one document
// all land, one version each, none lost.
func TestVersionedUpdatesLoseNothing(t *testing.T) {
	for _, r := range versionedRepos() {
		t.Run(r.name, func(t *testing.T) {
			mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
				ctx := context.Background()
				id := r.create(t, s)
				const writers = 8
				var wg sync.WaitGroup
				errs := make([]error, writers)
				for i := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs[i] = r.update(ctx, s, id, func() {})
					}()
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						t.Fatal(err)
					}
				}
				if v, err := r.version(ctx, s, id); err != nil || v != 1+writers {
					t.Fatalf("version %d after %d updates of version 1 (%v): an update was lost", v, writers, err)
				}
			})
		})
	}
}

// On the conditional path a write that lands between an update's read and its write (another
// process, here a raw write) makes the update start again from a fresh read instead of
// overwriting it. The locked path has no such guard by design: there this process is the
// database's only user, and its lock serialises every cycle (TestVersionedUpdatesLoseNothing).
func TestVersionedUpdateConflictRetries(t *testing.T) {
	for _, r := range versionedRepos() {
		t.Run(r.name, func(t *testing.T) {
			s := mongotest.NewWith(t, mongotest.Options{Conditional: true})
			ctx := context.Background()
			id := r.create(t, s)
			calls := 0
			err := r.update(ctx, s, id, func() {
				calls++
				if calls == 1 {
					_, err := s.Database().Collection(r.collection).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"version": 1}})
					if err != nil {
						t.Error(err)
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if v, err := r.version(ctx, s, id); calls != 2 || err != nil || v != 3 {
				t.Fatalf("change ran %d times, version %d (%v); want 2 runs and version 3 (created, the other write, ours)", calls, v, err)
			}
		})
	}
}
