package party

import (
	"slices"
	"testing"
	"time"
)

func TestVisibility(t *testing.T) {
	e, b := parties(t, false)
	e2 := mustOrg(t, "org_e2", KindExporter, OrgFields{Name: "乙", USCC: "914403001922038216", CustomsCode: "4206360A22"})
	active, err := NewAuthorization("a1", request(e, b), e, e, b, t0)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := NewAuthorization("a2", request(e2, b), b, e2, b, t0) // the broker started it
	if err != nil {
		t.Fatal(err)
	}
	inMonth := t0.AddDate(0, 1, 0)

	if v := VisibilityOf(KindOperator, "org_operator", nil, inMonth); !v.All() || !v.Covers("anyone") || v.Exporters() != nil {
		t.Errorf("the operator sees everything: %+v", v)
	}
	if v := VisibilityOf(KindExporter, e.ID(), []*Authorization{active}, inMonth); v.All() || !v.Covers(e.ID()) || v.Covers(e2.ID()) {
		t.Errorf("an exporter sees its own records only: %+v", v)
	}
	v := VisibilityOf(KindBroker, b.ID(), []*Authorization{active, pending}, inMonth)
	if !v.Covers(e.ID()) || v.Covers(e2.ID()) || v.Covers(b.ID()) {
		t.Errorf("a broker sees the exporters that authorise it now, not a pending one: %v", v.Exporters())
	}
	if got := v.Restrict(nil); !slices.Equal(got, []string{e.ID()}) {
		t.Errorf("Restrict(nil) = %v", got)
	}
	if got := v.Restrict([]string{e2.ID(), e.ID()}); !slices.Equal(got, []string{e.ID()}) {
		t.Errorf("Restrict drops what the broker may not see: %v", got)
	}
	if got := VisibilityOf(KindOperator, "o", nil, inMonth).Restrict([]string{"x"}); !slices.Equal(got, []string{"x"}) {
		t.Errorf("the operator's own filter stands: %v", got)
	}
	for _, at := range []time.Time{t0.Add(-time.Second), t0.AddDate(1, 0, 0)} {
		if VisibilityOf(KindBroker, b.ID(), []*Authorization{active}, at).Covers(e.ID()) {
			t.Errorf("outside its validity an agreement shows nothing (at %s)", at)
		}
	}
	other := mustOrg(t, "org_b2", KindBroker, OrgFields{Name: "丙", USCC: "91350200776049653A", CustomsCode: "4206380016"})
	if VisibilityOf(KindBroker, other.ID(), []*Authorization{active}, inMonth).Covers(e.ID()) {
		t.Error("another broker's agreement shows nothing")
	}
	if err := active.Revoke(e.ID(), inMonth); err != nil {
		t.Fatal(err)
	}
	if VisibilityOf(KindBroker, b.ID(), []*Authorization{active}, inMonth.Add(time.Hour)).Covers(e.ID()) {
		t.Error("a revoked agreement shows nothing")
	}
}

func TestOrgViewsAndMayFile(t *testing.T) {
	e, b := parties(t, false)
	a, err := NewAuthorization("a1", request(e, b), e, e, b, t0)
	if err != nil {
		t.Fatal(err)
	}
	if OrgViewOf(KindOperator, "o", nil, e.ID()) != ViewFull || OrgViewOf(KindBroker, b.ID(), nil, b.ID()) != ViewFull {
		t.Error("the operator sees every organisation, and each sees itself")
	}
	if OrgViewOf(KindBroker, b.ID(), CounterpartiesOf(b.ID(), []*Authorization{a}), e.ID()) != ViewFull ||
		OrgViewOf(KindBroker, b.ID(), nil, e.ID()) != ViewNone {
		t.Error("a broker sees its active counterparties and no one else")
	}
	// A pending agreement the broker asked for: it sees the exporter's card, the exporter sees it.
	asked, err := NewAuthorization("a2", request(e, b), b, e, b, t0)
	if err != nil || asked.Status() != AuthPending {
		t.Fatalf("pending agreement: %v %v", asked, err)
	}
	if v := OrgViewOf(KindBroker, b.ID(), CounterpartiesOf(b.ID(), []*Authorization{asked}), e.ID()); v != ViewCard {
		t.Errorf("the asking broker sees view %d of the exporter, want the card", v)
	}
	if v := OrgViewOf(KindExporter, e.ID(), CounterpartiesOf(e.ID(), []*Authorization{asked}), b.ID()); v != ViewFull {
		t.Errorf("the exporter asked sees view %d of the broker, want all", v)
	}
	// With an active agreement beside the pending one, the fuller view wins.
	if v := OrgViewOf(KindBroker, b.ID(), CounterpartiesOf(b.ID(), []*Authorization{asked, a}), e.ID()); v != ViewFull {
		t.Errorf("view %d with an active agreement, want all", v)
	}
	at := t0.Add(time.Hour)
	if !MayFile(e.ID(), e.ID(), "9710", nil, at) {
		t.Error("an exporter files for itself")
	}
	if !MayFile(b.ID(), e.ID(), "9610", []*Authorization{a}, at) || MayFile(b.ID(), e.ID(), "9710", []*Authorization{a}, at) {
		t.Error("a broker files what its agreement covers, nothing else")
	}
	if MayFile("org_other", e.ID(), "9610", []*Authorization{a}, at) {
		t.Error("an agreement covers only its own broker")
	}
}
