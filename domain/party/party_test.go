package party

import (
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
)

var t0 = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

func exporterFields() OrgFields {
	return OrgFields{Name: "襄阳丝路跨境电商有限公司", USCC: "91420600MA4F2K7Q1L", CustomsCode: "4206360A21",
		Contact: &Contact{Name: "王丽", Phone: "+86 710 3256 001"}}
}

func mustOrg(t *testing.T, id string, kind Kind, f OrgFields) *Org {
	t.Helper()
	o, err := NewOrg(id, kind, f, t0)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func fieldsOf(err error) map[string]string {
	e, _ := err.(*domain.Error)
	out := map[string]string{}
	if e != nil {
		for _, f := range e.Fields {
			out[f.Field] = string(f.Code)
		}
	}
	return out
}

func TestNewOrgChecksEveryField(t *testing.T) {
	o := mustOrg(t, "org_1", KindExporter, exporterFields())
	if o.USCC() != "91420600MA4F2K7Q1L" || len(o.Outbox()) != 1 || o.Outbox()[0].Type != "org.registered" {
		t.Fatalf("unexpected org %+v", o)
	}
	cases := []struct {
		name  string
		kind  Kind
		edit  func(*OrgFields)
		field string
		code  string
	}{
		{"operator kind", KindOperator, func(*OrgFields) {}, "kind", "invalid_kind"},
		{"no name", KindExporter, func(f *OrgFields) { f.Name = "  " }, "name", "required"},
		{"long name", KindExporter, func(f *OrgFields) { f.Name = strings.Repeat("襄", 101) }, "name", "too_long"},
		{"bad uscc", KindExporter, func(f *OrgFields) { f.USCC = "914403001922038217" }, "uscc", "invalid_uscc"},
		{"no uscc", KindBroker, func(f *OrgFields) { f.USCC = "" }, "uscc", "required"},
		{"bad customs code", KindExporter, func(f *OrgFields) { f.CustomsCode = "42069A0001" }, "customsCode", "invalid_customs_code"},
		{"bad email", KindExporter, func(f *OrgFields) { f.Contact = &Contact{Name: "x", Email: "not-an-email"} }, "contact.email", "invalid_email"},
		{"bad phone", KindExporter, func(f *OrgFields) { f.Contact = &Contact{Name: "x", Phone: "call me"} }, "contact.phone", "invalid_phone"},
		{"contact without a way to reach", KindExporter, func(f *OrgFields) { f.Contact = &Contact{Name: "x"} }, "contact", "required"},
	}
	for _, c := range cases {
		f := exporterFields()
		c.edit(&f)
		_, err := NewOrg("org_x", c.kind, f, t0)
		if got := fieldsOf(err)[c.field]; got != c.code {
			t.Errorf("%s: field %s code %q, want %q (err %v)", c.name, c.field, got, c.code, err)
		}
	}
	// Every problem at once.
	_, err := NewOrg("org_x", KindExporter, OrgFields{USCC: "bad", CustomsCode: "bad"}, t0)
	if got := fieldsOf(err); len(got) != 3 {
		t.Errorf("want name, uscc and customsCode reported together, got %v", got)
	}
	// Lower case is normalised, not refused.
	f := exporterFields()
	f.USCC = strings.ToLower(f.USCC)
	if o, err := NewOrg("org_y", KindExporter, f, t0); err != nil || o.USCC() != "91420600MA4F2K7Q1L" {
		t.Errorf("lower-case uscc: %v", err)
	}
}

func TestPatch(t *testing.T) {
	o := mustOrg(t, "org_1", KindExporter, exporterFields())
	on := true
	if err := o.Patch(OrgPatch{AutoConfirmAuthorizations: &on}, t0.Add(time.Hour)); err != nil || !o.AutoConfirmAuthorizations() {
		t.Fatalf("auto-confirm: %v", err)
	}
	bad := "x"
	if err := o.Patch(OrgPatch{CustomsCode: &bad}, t0); fieldsOf(err)["customsCode"] != "invalid_customs_code" {
		t.Errorf("bad customs code accepted: %v", err)
	}
	if o.CustomsCode() != "4206360A21" {
		t.Error("a refused patch changed the org")
	}
	b := mustOrg(t, "org_2", KindBroker, OrgFields{Name: "报关行", USCC: "91420600MA4K9X2R38", CustomsCode: "4206380015"})
	if err := b.Patch(OrgPatch{AutoConfirmAuthorizations: &on}, t0); fieldsOf(err)["autoConfirmAuthorizations"] != "not_applicable" {
		t.Errorf("a broker cannot auto-confirm: %v", err)
	}
}

func parties(t *testing.T, autoConfirm bool) (exporter, broker *Org) {
	exporter = mustOrg(t, "org_exp", KindExporter, exporterFields())
	if autoConfirm {
		on := true
		if err := exporter.Patch(OrgPatch{AutoConfirmAuthorizations: &on}, t0); err != nil {
			t.Fatal(err)
		}
	}
	broker = mustOrg(t, "org_brk", KindBroker, OrgFields{Name: "报关行", USCC: "91420600MA4K9X2R38", CustomsCode: "4206380015"})
	return exporter, broker
}

func request(e, b *Org) AuthorizationRequest {
	return AuthorizationRequest{ExporterID: e.ID(), BrokerID: b.ID(), TradeModes: []string{"9610", "1210"},
		ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)}
}

func TestAuthorizationLifecycle(t *testing.T) {
	e, b := parties(t, false)

	byExporter, err := NewAuthorization("a1", request(e, b), e, e, b, t0)
	if err != nil || byExporter.Status() != AuthActive {
		t.Fatalf("exporter-started authorisation should be active at once: %v %v", err, byExporter.Status())
	}

	byBroker, err := NewAuthorization("a2", request(e, b), b, e, b, t0)
	if err != nil || byBroker.Status() != AuthPending {
		t.Fatalf("broker-started authorisation should wait for the exporter: %v", err)
	}
	if err := byBroker.Confirm(b.ID(), t0); domain.CodeOf(err) != "counterparty_only" {
		t.Errorf("the initiator confirmed its own request: %v", err)
	}
	if byBroker.Covers("9610", t0.Add(time.Hour)) {
		t.Error("a pending authorisation covers nothing")
	}
	if err := byBroker.Confirm(e.ID(), t0.Add(time.Minute)); err != nil || byBroker.Status() != AuthActive {
		t.Fatalf("confirm: %v", err)
	}
	if err := byBroker.Confirm(e.ID(), t0.Add(2*time.Minute)); err != nil {
		t.Errorf("confirming twice should be harmless: %v", err)
	}
	if err := byBroker.Revoke(b.ID(), t0.Add(time.Hour)); err != nil || byBroker.Status() != AuthRevoked {
		t.Fatalf("revoke: %v", err)
	}
	if err := byBroker.Confirm(e.ID(), t0.Add(2*time.Hour)); domain.CodeOf(err) != "authorization_revoked" {
		t.Errorf("a revoked authorisation came back: %v", err)
	}
	types := []string{}
	for _, ev := range byBroker.Outbox() {
		types = append(types, ev.Type)
	}
	if strings.Join(types, ",") != "authorization.requested,authorization.activated,authorization.revoked" {
		t.Errorf("outbox %v", types)
	}

	e2, b2 := parties(t, true)
	auto, err := NewAuthorization("a3", request(e2, b2), b2, e2, b2, t0)
	if err != nil || auto.Status() != AuthActive {
		t.Errorf("auto-confirming exporter: want active, got %v %v", auto.Status(), err)
	}
}

func TestAuthorizationValidation(t *testing.T) {
	e, b := parties(t, false)
	cases := []struct {
		name  string
		edit  func(*AuthorizationRequest)
		field string
		code  string
	}{
		{"no modes", func(r *AuthorizationRequest) { r.TradeModes = nil }, "tradeModes", "required"},
		{"unknown mode", func(r *AuthorizationRequest) { r.TradeModes = []string{"9610", "1039"} }, "tradeModes[1]", "invalid_trade_mode"},
		{"no validFrom", func(r *AuthorizationRequest) { r.ValidFrom = time.Time{} }, "validFrom", "required"},
		{"no validTo", func(r *AuthorizationRequest) { r.ValidTo = time.Time{} }, "validTo", "required"},
		{"reversed", func(r *AuthorizationRequest) { r.ValidTo = r.ValidFrom.Add(-time.Hour) }, "validTo", "before_valid_from"},
		{"expired", func(r *AuthorizationRequest) { r.ValidFrom, r.ValidTo = t0.AddDate(-1, 0, 0), t0.Add(-time.Hour) }, "validTo", "in_the_past"},
		{"ten years", func(r *AuthorizationRequest) { r.ValidTo = t0.AddDate(10, 0, 0) }, "validTo", "too_long"},
	}
	for _, c := range cases {
		r := request(e, b)
		c.edit(&r)
		_, err := NewAuthorization("a", r, e, e, b, t0)
		if got := fieldsOf(err)[c.field]; got != c.code {
			t.Errorf("%s: %s = %q, want %q (%v)", c.name, c.field, got, c.code, err)
		}
	}
	if _, err := NewAuthorization("a", request(b, e), e, b, e, t0); len(fieldsOf(err)) != 2 {
		t.Errorf("swapped parties should report both fields: %v", err)
	}
	a, err := NewAuthorization("a", AuthorizationRequest{ExporterID: e.ID(), BrokerID: b.ID(),
		TradeModes: []string{"9710", "9610", "9710"}, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)}, e, e, b, t0)
	if err != nil || strings.Join(a.TradeModes(), ",") != "9610,9710" {
		t.Errorf("trade modes should be sorted and de-duplicated: %v %v", a.TradeModes(), err)
	}
}

func TestCovers(t *testing.T) {
	e, b := parties(t, false)
	a, err := NewAuthorization("a", request(e, b), e, e, b, t0)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		mode string
		at   time.Time
		want bool
	}{
		{"9610", t0, true},                          // first instant of validity
		{"1210", t0.AddDate(0, 6, 0), true},         // in scope, mid-period
		{"9710", t0.AddDate(0, 6, 0), false},        // out of scope
		{"9610", t0.Add(-time.Second), false},       // before validFrom
		{"9610", t0.AddDate(1, 0, 0), false},        // validTo is exclusive
		{"9610", t0.AddDate(1, 0, 0).Add(-1), true}, // last instant
	}
	for _, c := range cases {
		if got := a.Covers(c.mode, c.at); got != c.want {
			t.Errorf("Covers(%s, %s) = %v, want %v", c.mode, c.at, got, c.want)
		}
	}
	_ = a.Revoke(e.ID(), t0.Add(time.Hour))
	if a.Covers("9610", t0.Add(2*time.Hour)) {
		t.Error("a revoked authorisation still covers")
	}
}

func TestAPIKeys(t *testing.T) {
	k, secret := IssueAPIKey("key_1", "org_1", "shop system", t0)
	if !strings.HasPrefix(secret, "sg_key_1.") || KeyID(secret) != "key_1" || !k.Matches(secret) {
		t.Fatalf("issued key %q does not round-trip", secret)
	}
	if k.Matches(secret+"x") || k.Matches("sg_key_1.other") {
		t.Error("a wrong secret matched")
	}
	if strings.Contains(k.Hash, secret) || len(k.Hash) != 64 {
		t.Error("the stored form must be a digest")
	}
	_, again := IssueAPIKey("key_2", "org_1", "", t0)
	if again == secret {
		t.Error("two keys share a secret")
	}
	ext := APIKeyFromValue(OperatorOrgIDForTest, "", "a-configured-operator-key", t0)
	if ext.ID != KeyID("a-configured-operator-key") || !ext.Matches("a-configured-operator-key") {
		t.Error("configured keys must map to a stable id")
	}
	if KeyID("sg_.x") == "" || KeyID("sg_noseparator") == "" {
		t.Error("malformed keys still get a lookup id")
	}
}

const OperatorOrgIDForTest = "org_operator"
