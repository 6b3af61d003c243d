// The image chooser's window: a picked (or just uploaded) picture goes back to the figure dialog
// that opened it, through the callback the editor's Figure extension listens to.
const chooser = document.querySelector(".newsroom-chooser")

const pick = (element) => {
  const { id, url, alt, caption } = element.dataset
  window.opener?.CKEDITOR?.tools?.callFunction(chooser.dataset.funcnum, url, {
    id, alternative_text: alt, caption,
  })
  window.close()
}

chooser?.addEventListener("click", (event) => {
  const button = event.target.closest(".newsroom-pick")
  if (button) pick(button)
})

const uploaded = chooser?.querySelector("[data-pick]")
if (uploaded) pick(uploaded)
