package mongo_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

const (
	firstGUID  = "1C5A3F2E-8B4D-4E6F-9A1B-2C3D4E5F6A7B"
	secondGUID = "2D6B4A3F-9C5E-4F70-8B2C-3D4E5F6A7B8C"
)

// A filing's message is kept beside its guid, out of the declaration that every command reads
// and rewrites: the declaration read back carries none, Message finds each filing's by guid.
func TestMessagesAreKeptApartFromTheirDeclaration(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	repo := mongo.NewDeclarations(s)
	if err := repo.Create(ctx, testInventory(t, "inv_msg", "pcl_msg")); err != nil {
		t.Fatal(err)
	}
	submit := func(guid, xml string) {
		t.Helper()
		d, err := repo.Update(ctx, "inv_msg", func(d *customs.Declaration) error {
			return d.Submit(guid, "SG"+guid[:8], []byte(xml), testNow)
		})
		if err != nil {
			t.Fatal(err)
		}
		if string(d.Message()) != xml {
			t.Fatalf("the declaration just submitted carries %q", d.Message())
		}
	}
	submit(firstGUID, "<CEB603Message>1</CEB603Message>")
	// A processing error; the list is filed again under a new guid.
	if _, err := repo.Update(ctx, "inv_msg", func(d *customs.Declaration) error {
		_, err := d.ApplyReceipt(customs.Receipt{Message: customs.MessageInventoryReceipt, GUID: firstGUID,
			ReturnStatus: "-301010", ReturnTime: testNow, ReturnInfo: "企业备案信息不存在"}, testNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	submit(secondGUID, "<CEB603Message>2</CEB603Message>")

	raw, err := s.Database().Collection("declarations").FindOne(ctx, bson.M{"_id": "inv_msg"}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.LookupErr("message"); err == nil {
		t.Error("the declaration document holds its message")
	}
	if _, err := raw.LookupErr("filings", "0", "message"); err == nil {
		t.Error("the declaration document holds an earlier filing's message")
	}
	d, err := repo.Get(ctx, "inv_msg")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Message()) != 0 || d.GUID() != secondGUID || len(d.Filings()) != 1 {
		t.Fatalf("read back: message %q, guid %s, %d filings", d.Message(), d.GUID(), len(d.Filings()))
	}
	for guid, want := range map[string]string{firstGUID: "<CEB603Message>1</CEB603Message>", secondGUID: "<CEB603Message>2</CEB603Message>"} {
		if got, err := repo.Message(ctx, guid); err != nil || string(got) != want {
			t.Errorf("Message(%s) = %q, %v; want %q", guid, got, err, want)
		}
	}
	if _, err := repo.Message(ctx, "3E7C5B40-AD6F-4081-9C3D-4E5F6A7B8C9D"); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("an unknown guid: %v", err)
	}
}

// Declarations stored while messages lived in them have their messages moved beside their
// guids by the backfill, once, and lose nothing.
func TestMessagesStoredInDeclarationsAreMovedOut(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	db := s.Database()
	if _, err := db.Collection("declarations").InsertOne(ctx, bson.M{
		"_id": "inv_old", "kind": "inventory", "status": "released", "guid": secondGUID, "message": "<new/>",
		"filings": bson.A{bson.M{"guid": firstGUID, "copNo": "SG1", "status": "failed", "message": "<old/>"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("declaration_guids").InsertMany(ctx, []any{
		bson.M{"_id": firstGUID, "declarationId": "inv_old"}, bson.M{"_id": secondGUID, "declarationId": "inv_old"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("silkgate_meta").DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Backfill(ctx); err != nil {
		t.Fatal(err)
	}
	repo := mongo.NewDeclarations(s)
	for guid, want := range map[string]string{firstGUID: "<old/>", secondGUID: "<new/>"} {
		if got, err := repo.Message(ctx, guid); err != nil || string(got) != want {
			t.Errorf("Message(%s) = %q, %v; want %q", guid, got, err, want)
		}
	}
	raw, err := db.Collection("declarations").FindOne(ctx, bson.M{"_id": "inv_old"}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.LookupErr("message"); err == nil {
		t.Error("the message stayed in the declaration")
	}
	if _, err := raw.LookupErr("filings", "0", "message"); err == nil {
		t.Error("the earlier filing's message stayed in the declaration")
	}
	if cop, err := raw.LookupErr("filings", "0", "copNo"); err != nil || cop.StringValue() != "SG1" {
		t.Errorf("the earlier filing lost its other fields: %v", err)
	}
}
