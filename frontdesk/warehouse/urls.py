app_name = "warehouse"
urlpatterns = []
