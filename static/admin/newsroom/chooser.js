// Both ends of the image chooser.
// In the chooser's window: a picked (or just uploaded) picture goes back to whoever opened it,
// the figure dialog of the body editor (through the callback its Figure extension listens to)
// or a picture field of the article form.
// In the article form: the head image and thumbnail fields open the chooser and show what was picked.
const chooser = document.querySelector(".newsroom-chooser")

const pick = (element) => {
  const { id, url, alt, caption } = element.dataset
  const { field, funcnum } = chooser.dataset
  if (field) {
    window.opener?.newsroomImageChosen?.(field, { id, url, label: alt || caption || url })
  } else {
    window.opener?.CKEDITOR?.tools?.callFunction(funcnum, url, { id, alternative_text: alt, caption })
  }
  window.close()
}

chooser?.addEventListener("click", (event) => {
  const button = event.target.closest(".newsroom-pick")
  if (button) pick(button)
})

const uploaded = chooser?.querySelector("[data-pick]")
if (uploaded) pick(uploaded)

const show = (box, picture) => {
  box.querySelector("input[type=hidden]").value = picture?.id ?? ""
  const preview = box.querySelector(".newsroom-image-preview")
  preview.replaceChildren()
  if (picture) {
    const img = document.createElement("img")
    Object.assign(img, { src: picture.url, alt: "", referrerPolicy: "no-referrer" })
    preview.append(img)
  }
  box.querySelector(".newsroom-image-label").textContent = picture ? picture.label : box.dataset.empty
  box.querySelector(".newsroom-image-clear").hidden = !picture
}

window.newsroomImageChosen = (field, picture) => {
  const box = document.getElementById(field)?.closest(".newsroom-image-field")
  if (box) show(box, picture)
}

document.addEventListener("click", (event) => {
  const box = event.target.closest(".newsroom-image-field")
  if (!box) return
  if (event.target.closest(".newsroom-image-choose")) {
    window.open(box.dataset.chooser, "newsroom-chooser", "width=960,height=720")
  } else if (event.target.closest(".newsroom-image-clear")) {
    show(box, null)
  }
})
