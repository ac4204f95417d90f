// Package passwords hashes the console users' passwords with bcrypt.
package passwords

import (
	"golang.org/x/crypto/bcrypt"

	"github.com/silkgate/silkgate/app"
)

// Bcrypt hashes with bcrypt at Cost (bcrypt.DefaultCost when 0).
type Bcrypt struct {
	Cost int
}

var _ app.Passwords = Bcrypt{}

// Hash returns the bcrypt hash of password (at most 72 bytes: account.CheckPassword).
func (b Bcrypt) Hash(password string) (string, error) {
	cost := b.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(h), err
}

// Matches reports whether password is the one hash was made of.
func (Bcrypt) Matches(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
