// Reads a chosen private-key file into the form's textarea, so the key is sent with the form (never stored in the browser).
for (const input of document.querySelectorAll('input[data-key-file]')) {
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    const target = document.getElementById(input.dataset.keyFile);
    if (file && target) target.value = await file.text();
  });
}
