package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/adapters/internal/clientip"
	"github.com/silkgate/silkgate/domain/account"
)

// Signing in and out, the password, the language.

func (w *Console) authRoutes(f *fiber.App) {
	f.Get("/signin", w.handle(public, signInPage))
	f.Post("/signin", w.handle(public, signIn))
	f.Post("/signout", w.handle(public, signOut))
	f.Get("/password", w.handle(signedIn, passwordPage))
	f.Post("/password", w.handle(signedIn, changePassword))
	f.Post("/lang", w.handle(public, switchLang))
}

type signInData struct {
	Form     *form
	Next     string
	SignedIn bool // just signed out
}

func signInPage(r *req) error {
	if r.session != nil {
		return r.c.Redirect(localPath(r.c.Query("next")), fiber.StatusSeeOther)
	}
	return r.render(fiber.StatusOK, "signin", "signin.title", signInData{Form: &form{}, Next: r.c.Query("next"), SignedIn: r.c.Query("out") != ""})
}

func signIn(r *req) error {
	email, password, next := r.c.FormValue("email"), r.c.FormValue("password"), r.c.FormValue("next")
	s, token, err := r.w.uc.Accounts.SignIn(r.ctx(), email, password, clientip.Of(r.c, r.w.trusted))
	if err != nil {
		f := &form{Values: map[string]string{"email": email}}
		if !r.refused(f, err) {
			return err
		}
		status := fiber.StatusUnauthorized
		if err == account.ErrTooManyAttempts {
			status = fiber.StatusTooManyRequests
		}
		return r.render(status, "signin", "signin.title", signInData{Form: f, Next: next})
	}
	r.setCookie(cookieSession, token, s.ExpiresAt)
	r.clearCookie(cookieCSRF)
	return r.c.Redirect(localPath(next), fiber.StatusSeeOther)
}

func signOut(r *req) error {
	if err := r.w.uc.Accounts.SignOut(r.ctx(), r.c.Cookies(cookieSession)); err != nil {
		return err
	}
	r.clearCookie(cookieSession)
	return r.c.Redirect("/signin?out=1", fiber.StatusSeeOther)
}

func passwordPage(r *req) error {
	return r.render(fiber.StatusOK, "password", "password.title", passwordData{Form: &form{}})
}

func changePassword(r *req) error {
	err := r.w.uc.Accounts.ChangePassword(r.ctx(), r.actor, r.session.ID, r.c.FormValue("currentPassword"), r.c.FormValue("newPassword"))
	f := &form{}
	if err != nil {
		if !r.refused(f, err) {
			return err
		}
		return r.render(fiber.StatusUnprocessableEntity, "password", "password.title", passwordData{Form: f})
	}
	f.Done = T(r.lang, "password.done")
	return r.render(fiber.StatusOK, "password", "password.title", passwordData{Form: f})
}

type passwordData struct{ Form *form }

// switchLang remembers the language for a year and goes back to the page.
func switchLang(r *req) error {
	lang := LangZh
	if r.c.FormValue("lang") == string(LangEn) {
		lang = LangEn
	}
	r.c.Cookie(&fiber.Cookie{Name: cookieLang, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: r.c.Protocol() == "https", HTTPOnly: true})
	return r.c.Redirect(localPath(r.c.FormValue("back")), fiber.StatusSeeOther)
}
