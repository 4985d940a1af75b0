// The badge editor's image choice: whichever the person gave last wins.
// Choosing a file ticks « Envoyer une image »; ticking another choice after
// that lets go of the file. Without this script the server asks instead.
(() => {
  const file = document.getElementById('image');
  if (!file || !file.form) return;
  const choices = Array.from(file.form.querySelectorAll('input[name="imageSource"]'));
  const upload = choices.find((choice) => choice.value === 'upload');
  file.addEventListener('change', () => {
    if (file.files && file.files.length > 0 && upload) upload.checked = true;
  });
  for (const choice of choices) {
    choice.addEventListener('change', () => {
      if (choice.checked && choice !== upload) file.value = '';
    });
  }
})();
