// Unsaved article text survives a closed tab, a browser crash or an expired session.
//
// While an editor works, the form's text fields are kept in this browser
// (localStorage, keyed by the form's address) every two seconds and when the
// page is hidden. Reopening the form offers the kept text back if it differs
// from what the server has. A save the admin confirms ("success" message on
// the page it returns to) forgets it; a save that did not arrive (a login
// page instead) keeps it.
const gettext = window.gettext || ((text) => text)
const form = document.querySelector("#article_form")
const key = `newsroom:unsaved:${location.pathname}`
const KEPT = "input[type=text][name], input:not([type])[name], input[type=url][name], textarea[name]"

const read = () => {
  try {
    return JSON.parse(localStorage.getItem(key) || "null")
  } catch {
    return null
  }
}

const fieldsOf = (element) =>
  Object.fromEntries([...element.querySelectorAll(KEPT)].map((field) => [field.name, field.value]))

const same = (a, b) => Object.keys(a).every((name) => a[name] === b[name])

const editorOf = (textarea) => textarea.closest(".prose-editor")?.querySelector(".tiptap")?.editor

const restore = (fields) => {
  for (const [name, value] of Object.entries(fields)) {
    const field = form.elements.namedItem(name)
    if (!field || field.value === value) continue
    const editor = editorOf(field)
    if (editor) editor.commands.setContent(value, { emitUpdate: true })
    else field.value = value
    field.dispatchEvent(new Event("input", { bubbles: true }))
  }
}

const offer = (kept) => {
  const note = document.createElement("div")
  note.className = "newsroom-draft"
  note.setAttribute("role", "alert")
  const when = new Date(kept.at).toLocaleString(document.documentElement.lang || undefined)
  note.append(gettext("This article has unsaved changes from %s in this browser.").replace("%s", when))
  const restoreButton = document.createElement("button")
  restoreButton.type = "button"
  restoreButton.className = "button"
  restoreButton.textContent = gettext("Restore them")
  const discardButton = document.createElement("button")
  discardButton.type = "button"
  discardButton.className = "button"
  discardButton.textContent = gettext("Discard them")
  restoreButton.addEventListener("click", () => {
    restore(kept.fields)
    note.remove()
  })
  discardButton.addEventListener("click", () => {
    localStorage.removeItem(key)
    note.remove()
  })
  note.append(restoreButton, discardButton)
  form.prepend(note)
}

if (form) {
  const kept = read()
  const saved = document.querySelector(".messagelist .success")
  if (saved) {
    // The save arrived: forget what was kept for every form that was submitted.
    for (const name of Object.keys(localStorage)) {
      if (name.startsWith("newsroom:unsaved:") && JSON.parse(localStorage.getItem(name) || "{}").submitted) {
        localStorage.removeItem(name)
      }
    }
  }
  const server = fieldsOf(form)
  if (kept && !saved && !same(kept.fields, server)) {
    offer(kept)
  } else if (kept) {
    localStorage.removeItem(key)
  }

  let last = JSON.stringify(server)
  const keep = (submitted = false) => {
    const fields = fieldsOf(form)
    const text = JSON.stringify(fields)
    if (text === last && !submitted) return
    if (same(fields, server) && !submitted) {
      localStorage.removeItem(key)
    } else {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields, submitted }))
    }
    last = text
  }
  setInterval(keep, 2000)
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && keep())
  window.addEventListener("pagehide", () => keep())
  form.addEventListener("submit", () => keep(true))
}
