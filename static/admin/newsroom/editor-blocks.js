// Markup the rich-text editor's schema cannot hold, kept as it is in an "HTML block".
//
// ProseMirror parses what it does not know by keeping the text and dropping
// the element: a definition list would lose its structure, a picture inside a
// link its link, a figure's text beside the picture its text. Those elements
// become one atom node holding their HTML, shown as source and written back
// unchanged. What is stored is still cleaned by the server's one HTML policy.
import { gettext, Node } from "django-prose-editor/editor"

const simpleFigure = (figure) => {
  const children = [...figure.children].map((child) => child.tagName)
  const text = [...figure.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
  return !text && (children.join() === "IMG" || children.join() === "IMG,FIGCAPTION")
}

const keep = (test) => (element) => (test(element) ? null : false)
const FIRST = 1100 // rule priority: before the link, figure and table extensions' own rules

export const HTMLBlock = Node.create({
  name: "htmlBlock",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,
  priority: 1000, // before the figure, table and link rules

  addAttributes() {
    return {
      html: { default: "", parseHTML: (element) => element.outerHTML, rendered: false },
    }
  },

  parseHTML() {
    return [
      { tag: "dl", priority: FIRST },
      { tag: "figure", priority: FIRST, getAttrs: keep((figure) => !simpleFigure(figure)) },
      { tag: "a", priority: FIRST, getAttrs: keep((link) => link.querySelector("img")) },
      { tag: "table", priority: FIRST, getAttrs: keep((table) => table.querySelector("table, figure, img, ul, ol, pre")) },
      { tag: "picture", priority: FIRST },
    ]
  },

  renderHTML({ node }) {
    const template = document.createElement("template")
    template.innerHTML = node.attrs.html
    return template.content.firstElementChild || document.createTextNode("")
  },

  addNodeView() {
    return ({ node }) => {
      // Shown as source, never as live markup: pasted HTML must not run in the admin.
      const dom = document.createElement("div")
      dom.className = "newsroom-html-block"
      const label = document.createElement("span")
      label.className = "newsroom-html-block-label"
      label.textContent = gettext("HTML kept as it is (edit it in the HTML view)")
      const code = document.createElement("code")
      code.textContent = node.attrs.html
      dom.append(label, code)
      return { dom }
    }
  },
})

// A line break between two inline elements ("<span>…</span>\n<a>…</a>") is a space readers
// see, but the editor drops whitespace-only text that holds a line break. Such text becomes a
// plain space before the editor reads the body (not inside <pre>, where line breaks count).
const keepSpaces = (html) => {
  const template = document.createElement("template")
  template.innerHTML = html
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT)
  let changed = false
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (/^\s*\n\s*$/.test(node.data) && !node.parentElement?.closest("pre")) {
      node.data = " "
      changed = true
    }
  }
  return changed ? template.innerHTML : html
}

for (const textarea of document.querySelectorAll("textarea[data-django-prose-editor-configurable]")) {
  textarea.value = keepSpaces(textarea.value)
}
