package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/party"
)

// DemoUser is a demo person to sign in to the console with.
type DemoUser struct {
	OrgID    string
	Kind     party.Kind
	Email    string
	Name     string
	Role     account.Role
	Password string
}

// demoUsers are the console's demo people: the operator's admin and an admin of the demo
// exporters and broker. Like the demo keys, their passwords are fixed and public: demo data is
// for a laptop, never production.
var demoUsers = []DemoUser{
	{OrgID: OperatorOrgID, Kind: party.KindOperator, Email: "operator@demo.silkgate.example", Name: "张伟",
		Role: account.RoleAdmin, Password: "demo-operator-pass"},
	{OrgID: "org_demo_exporter", Kind: party.KindExporter, Email: "exporter@demo.silkgate.example", Name: "王丽",
		Role: account.RoleAdmin, Password: "demo-exporter-pass"},
	{OrgID: "org_demo_exporter_auto", Kind: party.KindExporter, Email: "autoparts@demo.silkgate.example", Name: "陈刚",
		Role: account.RoleAdmin, Password: "demo-autoparts-pass"},
	{OrgID: "org_demo_broker", Kind: party.KindBroker, Email: "broker@demo.silkgate.example", Name: "李敏",
		Role: account.RoleAdmin, Password: "demo-broker-pass"},
}

// SeedDemoUsers makes the demo users (after SeedDemo made their organisations). It is idempotent:
// a user whose email exists is left alone, password and all.
func SeedDemoUsers(ctx context.Context, a *Accounts) ([]DemoUser, error) {
	operator := Actor{OrgID: OperatorOrgID, Kind: party.KindOperator}
	for _, d := range demoUsers {
		_, err := a.CreateUser(ctx, operator, d.OrgID, CreateUser{Email: d.Email, Name: d.Name, Password: d.Password, Role: d.Role})
		if err != nil && !errors.Is(err, account.ErrEmailTaken) {
			return nil, fmt.Errorf("demo user %s: %w", d.Email, err)
		}
	}
	return append([]DemoUser(nil), demoUsers...), nil
}
