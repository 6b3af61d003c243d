// The article body's rich-text editor, finished for Newsroom's admin.
const gettext = window.gettext || ((text) => text)
const form = document.querySelector("#article_form")

// What is saved is what the editor holds: on submit, each editor writes its HTML into its
// textarea, also when nothing was typed (the editor writes only on changes).
form?.addEventListener("submit", () => {
  for (const textarea of form.querySelectorAll(".prose-editor textarea")) {
    const editor = textarea.closest(".prose-editor").querySelector(".tiptap")?.editor
    if (editor) textarea.value = editor.getHTML()
  }
}, true)  // before drafts.js keeps the form's text

// The toolbar's labels are English in the editor's package; they follow the admin's language here.
const translated = (text) => {
  const heading = /^(heading|Heading) (\d)$/.exec(text)
  return heading ? gettext(`${heading[1]} %s`).replace("%s", heading[2]) : gettext(text)
}

const translate = (root) => {
  for (const element of root.querySelectorAll("[title], [aria-label]")) {
    for (const name of ["title", "aria-label"]) {
      const value = element.getAttribute(name)
      if (value && translated(value) !== value) element.setAttribute(name, translated(value))
    }
  }
  for (const option of root.querySelectorAll(".prose-menubar__option > *")) {
    const value = option.textContent
    if (translated(value) !== value) option.textContent = translated(value)
  }
}

new MutationObserver((changes) => {
  for (const change of changes) {
    const menubar = change.target.closest?.(".prose-menubar") || change.target.querySelector?.(".prose-menubar")
    if (menubar) translate(menubar)
  }
}).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["title"] })

// A picture picked in the image library (the figure dialog's "Browse...", articles/admin/chooser.py)
// arrives through this callback, before the dialog is filled in: a picture without alt text is
// pointed out in the dialog, so that the editor writes one.
window.CKEDITOR = window.CKEDITOR || {}
window.CKEDITOR.tools = window.CKEDITOR.tools || {}
window.CKEDITOR.tools.callFunction = (funcNum, url, data) => {
  if (!data || data.alternative_text) return
  setTimeout(() => {
    const alt = document.querySelector("dialog[open] input[name=altText]")
    if (!alt || alt.value || alt.parentElement.querySelector(".newsroom-alt-warning")) return
    const warning = document.createElement("p")
    warning.className = "newsroom-alt-warning errornote"
    warning.textContent = gettext("This picture has no alt text in the library: describe what it shows for readers who cannot see it.")
    alt.after(warning)
    alt.focus()
  })
}
